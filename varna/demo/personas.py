"""The demo log-ins: fixed people with fixed roles, for trying Värna out and for tests.

This module imports nothing from Django models at import time, so the Makefile
and the README can print :data:`LOGINS` without setting Django up.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from varna.core.models import User

PASSWORD = "varna-demo"  # noqa: S105 - the published password of the demo log-ins

EXEMPELKOMMUN = "exempelkommun"
GRANNBY = "grannby"

ROOT = "Kommunfullmäktige"  # every demo municipality's root node

# Role values as plain strings (``varna.core.models.Role`` compares equal to them).
COORDINATOR = "security_coordinator"
OFFICER = "security_officer"
UNIT_MANAGER = "unit_manager"
REPRESENTATIVE = "security_representative"
EMPLOYEE = "employee"
ELECTED = "elected_official"
ADMINISTRATOR = "administrator"
INSURANCE_HANDLER = "insurance_handler"
HR = "hr"


@dataclass(frozen=True)
class Persona:
    username: str
    first_name: str
    last_name: str
    organisation: str  # slug
    employment_node: str  # node name, unique within the organisation
    job_title: str
    roles: tuple[tuple[str, str], ...]  # (role, node name)
    description: str  # Swedish, shown in the log-in table

    @property
    def email_local(self) -> str:
        from varna.demo.names import ascii_slug

        return f"{ascii_slug(self.first_name)}.{ascii_slug(self.last_name)}"


PERSONAS: list[Persona] = [
    Persona(
        "samordnare",
        "Karin",
        "Holm",
        EXEMPELKOMMUN,
        "Säkerhet och beredskap",
        "Säkerhetssamordnare",
        ((COORDINATOR, ROOT), (EMPLOYEE, "Säkerhet och beredskap")),
        "Säkerhetssamordnare för hela Exempelkommun",
    ),
    Persona(
        "handlaggare.bou",
        "Johan",
        "Berglund",
        EXEMPELKOMMUN,
        "Barn- och utbildningsförvaltningen",
        "Säkerhetshandläggare",
        ((OFFICER, "Barn- och utbildningsförvaltningen"), (EMPLOYEE, "Barn- och utbildningsförvaltningen")),
        "Säkerhetshandläggare på Barn- och utbildningsförvaltningen",
    ),
    Persona(
        "chef.solrosen",
        "Maria",
        "Lindberg",
        EXEMPELKOMMUN,
        "Solrosens förskola",
        "Rektor",
        ((UNIT_MANAGER, "Solrosens förskola"), (EMPLOYEE, "Solrosens förskola")),
        "Enhetschef (rektor) på Solrosens förskola",
    ),
    Persona(
        "ombud.solrosen",
        "Ahmed",
        "Hassan",
        EXEMPELKOMMUN,
        "Solrosens förskola",
        "Förskollärare",
        ((REPRESENTATIVE, "Solrosens förskola"), (EMPLOYEE, "Solrosens förskola")),
        "Säkerhetsombud på Solrosens förskola",
    ),
    Persona(
        "chef.hemtjanst",
        "Eva",
        "Nyström",
        EXEMPELKOMMUN,
        "Hemtjänst Centrum",
        "Enhetschef",
        ((UNIT_MANAGER, "Hemtjänst Centrum"), (EMPLOYEE, "Hemtjänst Centrum")),
        "Enhetschef för Hemtjänst Centrum (Vård- och omsorgsförvaltningen)",
    ),
    Persona(
        "anstalld",
        "Emma",
        "Karlsson",
        EXEMPELKOMMUN,
        "Solrosens förskola",
        "Barnskötare",
        ((EMPLOYEE, "Solrosens förskola"),),
        "Anställd (barnskötare) på Solrosens förskola",
    ),
    Persona(
        "politiker",
        "Lars",
        "Sundberg",
        EXEMPELKOMMUN,
        "Kommunstyrelsen",
        "Ledamot i kommunstyrelsen",
        ((ELECTED, "Kommunstyrelsen"),),
        "Förtroendevald i kommunstyrelsen (läser rapporter)",
    ),
    Persona(
        "admin",
        "Erik",
        "Sandberg",
        EXEMPELKOMMUN,
        "IT-enheten",
        "Systemförvaltare",
        ((ADMINISTRATOR, ROOT), (EMPLOYEE, "IT-enheten")),
        "Systemadministratör för Exempelkommun (inställningar, import, roller)",
    ),
    Persona(
        "forsakring",
        "Helena",
        "Åkesson",
        EXEMPELKOMMUN,
        "Ekonomienheten",
        "Försäkringshandläggare",
        ((INSURANCE_HANDLER, ROOT), (EMPLOYEE, "Ekonomienheten")),
        "Försäkringshandläggare för hela Exempelkommun (försäkringsprogrammet och skadeanmälningarna)",
    ),
    Persona(
        "hr",
        "Sara",
        "Lindqvist",
        EXEMPELKOMMUN,
        "HR-enheten",
        "HR-specialist",
        ((HR, ROOT), (EMPLOYEE, "HR-enheten")),
        "HR-specialist för hela Exempelkommun (kurser, utbildningskrav och allas utbildningar)",
    ),
    Persona(
        "samordnare.grannby",
        "Lena",
        "Forsberg",
        GRANNBY,
        "Säkerhet och beredskap",
        "Säkerhetssamordnare",
        ((COORDINATOR, ROOT), (EMPLOYEE, "Säkerhet och beredskap")),
        "Säkerhetssamordnare i Grannby kommun (en annan kommun)",
    ),
]

PERSONAS_BY_USERNAME = {p.username: p for p in PERSONAS}

# (username, description): what the Makefile and the README print.
LOGINS: list[tuple[str, str]] = [(p.username, p.description) for p in PERSONAS]


def coordinator_username(slug: str) -> str:
    """The coordinator log-in of a demo municipality: ``samordnare`` or ``samordnare.<slug>``."""
    return "samordnare" if slug == EXEMPELKOMMUN else f"samordnare.{slug}"


def coordinator_persona(*, slug: str, organisation_name: str, first_name: str, last_name: str) -> Persona:
    """The coordinator of a further demo municipality (``--organisations 3`` and more)."""
    username = coordinator_username(slug)
    if username in PERSONAS_BY_USERNAME:
        return PERSONAS_BY_USERNAME[username]
    return Persona(
        username,
        first_name,
        last_name,
        slug,
        "Säkerhet och beredskap",
        "Säkerhetssamordnare",
        ((COORDINATOR, ROOT), (EMPLOYEE, "Säkerhet och beredskap")),
        f"Säkerhetssamordnare i {organisation_name}",
    )


def persona(username: str) -> User:
    """The demo persona's ``User`` (generate the demo data first)."""
    from varna.core.models import User

    return User.objects.get(username=username)


def demo_logins() -> list[tuple[str, str, str]]:
    """(username, password, description) of every demo log-in present in the database."""
    from varna.core.models import Organisation, User

    wanted: dict[str, str] = {p.username: p.description for p in PERSONAS}
    for slug, name in Organisation.objects.order_by("pk").values_list("slug", "name"):
        username = coordinator_username(slug)
        wanted.setdefault(username, f"Säkerhetssamordnare i {name}")
    present = set(User.objects.filter(username__in=wanted).values_list("username", flat=True))
    return [(username, PASSWORD, text) for username, text in wanted.items() if username in present]


def format_logins(rows: list[tuple[str, str, str]] | None = None, *, limit: int = 20) -> str:
    """The log-ins as an aligned plain-text table."""
    rows = demo_logins() if rows is None else rows
    if not rows:
        return "Inga demoinloggningar finns. / No demo log-ins exist."
    shown = rows[:limit]
    width = max(len("Användarnamn"), *(len(r[0]) for r in shown))
    pwidth = max(len("Lösenord"), *(len(r[1]) for r in shown))
    lines = [f"{'Användarnamn':<{width}}  {'Lösenord':<{pwidth}}  Beskrivning", "-" * (width + pwidth + 30)]
    lines += [f"{u:<{width}}  {p:<{pwidth}}  {d}" for u, p, d in shown]
    if len(rows) > limit:
        lines.append(f"… och {len(rows) - limit} samordnare till (samordnare.<kortnamn>).")
    return "\n".join(lines)
