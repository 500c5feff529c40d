"""How fast the pseudonymisation rewrites free text (``varna/core/pseudonymise.py``), without a database.

Builds one record's replacer for a handful of linked people (as ``pseudonymise_records`` does per record) and runs
it over synthetic incident texts of about 600 characters with names, personal identity numbers, e-mail addresses
and phone numbers in them. Prints the median of ``--runs`` runs: texts per second and microseconds per replacer
built. No timed asserts; see docs/performance.md.

    .venv/bin/python bench/pseudonymise.py --texts 20000 --runs 3
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")

import django

django.setup()

from varna.core.pseudonymise import Replacer, Spelling  # noqa: E402

PEOPLE = [Spelling("Ingrid", "Holmqvist", "070-123 45 67"), Spelling("Bertil", "Åkesson"), Spelling("Mona", "Larare")]
WORDS = [
    "eleven",
    "slog",
    "i",
    "korridoren",
    "och",
    "dörren",
    "gick",
    "sönder",
    "på",
    "förmiddagen",
    "personalen",
    "ringde",
    "vakten",
    "som",
    "kom",
]
PIECES = ["Ingrid Holmqvist", "Bertil", "Larare", "850101-1234", "mona@hemma.se", "08-123 45 67", "Annas"]


def text(rng: random.Random) -> str:
    words = [rng.choice(WORDS) if rng.random() > 0.1 else rng.choice(PIECES) for _ in range(90)]
    return " ".join(words)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--texts", type=int, default=20000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    rng = random.Random(1)
    texts = [text(rng) for _ in range(args.texts)]
    per_second, build_us = [], []
    for _ in range(args.runs):
        start = time.perf_counter()
        for _n in range(1000):
            Replacer([[p] for p in PEOPLE])
        build_us.append((time.perf_counter() - start) * 1000)  # µs per build (1000 builds)
        replace = Replacer([[p] for p in PEOPLE])
        start = time.perf_counter()
        for t in texts:
            replace(t)
        per_second.append(len(texts) / (time.perf_counter() - start))
    load = os.getloadavg()
    print(f"texts of ~{sum(map(len, texts)) // len(texts)} characters, {args.texts} per run, {args.runs} runs")
    print(f"rewrite: median {statistics.median(per_second):,.0f} texts/s")
    print(f"replacer per record: median {statistics.median(build_us):,.0f} µs")
    print(f"load average: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")


if __name__ == "__main__":
    main()
