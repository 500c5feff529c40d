"""Kinds of workplace in a demo municipality: how they are named, staffed and housed.

A :class:`Profile` describes one kind of node (a preschool, a care home, an
administration's office ...). Named nodes in the skeletons and generated units
both use them; the generator scales the number of generated units, draws their
names from :mod:`varna.demo.names` and gives them staff and facilities.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass

from varna.demo import names

# Facility kinds as plain strings (varna.protection.models.FacilityKind values).
SCHOOL, PRESCHOOL, CARE_HOME, OFFICE = "school", "preschool", "care_home", "office"
SPORTS, LIBRARY, DEPOT, WATERWORKS = "sports", "library", "depot", "waterworks"
CULTURE, HOUSING, OTHER = "culture", "housing", "other"


@dataclass(frozen=True)
class Profile:
    key: str
    sector: str  # which administration (or company) the kind belongs to: "bou", "voo", ...
    staff: float  # relative number of staff
    titles: tuple[str, ...]  # job titles of the staff (repeats weight them)
    manager_title: str = "Enhetschef"
    area: str | None = None  # generated units are grouped under "<area> <district>" units
    mix: float = 0.0  # share among generated units; 0: only named in a skeleton
    bases: tuple[str, ...] = ()  # name parts for generated units
    pattern: str = "{}"  # how a part becomes a name
    by_district: bool = False  # the parts already name districts: no "… i <district>" variants
    facility: str | None = None  # kind of the unit's own building, if any
    facility_name: str = "{}"
    second_facility: tuple[str, str, float] | None = None  # (name pattern, kind, probability)
    representative_chance: float = 0.6  # chance that the unit has a security representative

    def names(self, rng: random.Random) -> Iterator[str]:
        """Candidate names for generated units of this kind, unique and endless."""
        bases = list(self.bases)
        rng.shuffle(bases)
        for base in bases:
            yield self.pattern.format(base)
        if not self.by_district:
            districts = list(names.DISTRICTS)
            rng.shuffle(districts)
            for district in districts:
                for base in bases:
                    yield f"{self.pattern.format(base)} i {district}"
        for compass in ("Norra", "Södra", "Östra", "Västra"):
            for base in bases:
                yield f"{self.pattern.format(base)} {compass}"
        number = 2
        while True:
            for base in bases:
                yield f"{self.pattern.format(base)} {number}"
            number += 1


DISTRICT_BASES = (names.CENTRE, *names.DISTRICTS)


def _combined(kinds: list[str]) -> tuple[str, ...]:
    return tuple(f"{kind} {district}" for district in DISTRICT_BASES for kind in kinds)


PROFILES: dict[str, Profile] = {
    p.key: p
    for p in [
        # Barn och utbildning
        Profile(
            "preschool",
            "bou",
            14,
            ("Förskollärare", "Förskollärare", "Barnskötare", "Barnskötare", "Barnskötare", "Kock"),
            manager_title="Rektor",
            area="Förskoleområde",
            mix=28,
            bases=tuple(names.PRESCHOOL_WORDS),
            pattern="{} förskola",
            facility=PRESCHOOL,
        ),
        Profile(
            "school",
            "bou",
            45,
            (
                "Lärare",
                "Lärare",
                "Lärare",
                "Lärare",
                "Fritidspedagog",
                "Elevassistent",
                "Speciallärare",
                "Lärare i fritidshem",
                "Skolsköterska",
                "Kurator",
                "Vaktmästare",
            ),
            manager_title="Rektor",
            area="Grundskoleområde",
            mix=12,
            bases=tuple(names.SCHOOL_STEMS),
            pattern="{}skolan",
            facility=SCHOOL,
            second_facility=("{}, idrottshall", SPORTS, 0.4),
        ),
        Profile(
            "upper_secondary",
            "bou",
            140,
            (
                "Gymnasielärare",
                "Gymnasielärare",
                "Gymnasielärare",
                "Studie- och yrkesvägledare",
                "Elevassistent",
                "Skolsköterska",
                "Kurator",
                "Vaktmästare",
            ),
            manager_title="Rektor",
            facility=SCHOOL,
            second_facility=("{}, verkstadshus", SCHOOL, 1.0),
        ),
        Profile(
            "student_health",
            "bou",
            20,
            ("Skolsköterska", "Skolkurator", "Skolpsykolog", "Specialpedagog"),
            representative_chance=1.0,
        ),
        Profile(
            "adult_education",
            "bou",
            18,
            ("Lärare", "Lärare", "Studie- och yrkesvägledare"),
            manager_title="Rektor",
            facility=SCHOOL,
        ),
        # Vård och omsorg
        Profile(
            "care_home",
            "voo",
            45,
            (
                "Undersköterska",
                "Undersköterska",
                "Undersköterska",
                "Vårdbiträde",
                "Sjuksköterska",
                "Arbetsterapeut",
                "Fysioterapeut",
            ),
            area="Äldreomsorg",
            mix=7,
            bases=tuple(names.CARE_HOME_STEMS),
            pattern="{}gårdens vård- och omsorgsboende",
            facility=CARE_HOME,
        ),
        Profile(
            "home_care",
            "voo",
            40,
            ("Undersköterska", "Undersköterska", "Vårdbiträde", "Samordnare"),
            area="Äldreomsorg",
            mix=6,
            bases=DISTRICT_BASES,
            by_district=True,
            pattern="Hemtjänst {}",
            facility=OFFICE,
            facility_name="{}, lokal",
        ),
        Profile(
            "group_home",
            "voo",
            12,
            ("Stödassistent", "Stödassistent", "Boendestödjare", "Stödpedagog"),
            area="Funktionsstöd",
            mix=7,
            bases=tuple(f"{s}" for s in names.streets()[:60]),
            pattern="Gruppbostad {}",
            facility=HOUSING,
        ),
        Profile(
            "daily_activity",
            "voo",
            14,
            ("Handledare", "Stödpedagog", "Arbetsterapeut"),
            area="Funktionsstöd",
            mix=2,
            bases=tuple(names.DAILY_ACTIVITY_NAMES),
            pattern="Daglig verksamhet {}",
            facility=OTHER,
        ),
        Profile(
            "health_care",
            "voo",
            20,
            ("Sjuksköterska", "Arbetsterapeut", "Fysioterapeut"),
            manager_title="Medicinskt ansvarig sjuksköterska",
        ),
        # Socialtjänst
        Profile(
            "social",
            "soc",
            18,
            ("Socialsekreterare", "Socialsekreterare", "Familjebehandlare", "Behandlingsassistent"),
            mix=3,
            bases=_combined(names.SOCIAL_UNIT_KINDS),
            by_district=True,
            facility=OFFICE,
        ),
        Profile("social_office", "soc", 22, ("Socialsekreterare", "Socialsekreterare", "Handläggare")),
        # Kultur och fritid
        Profile(
            "library",
            "kof",
            6,
            ("Bibliotekarie", "Bibliotekarie", "Biblioteksassistent"),
            mix=3,
            bases=tuple(names.DISTRICTS),
            by_district=True,
            pattern="Biblioteket {}",
            facility=LIBRARY,
            manager_title="Bibliotekschef",
            representative_chance=0.4,
        ),
        Profile(
            "youth_centre",
            "kof",
            5,
            ("Fritidsledare",),
            mix=3,
            bases=tuple(names.YOUTH_CENTRE_NAMES),
            pattern="Fritidsgården {}",
            facility=CULTURE,
            representative_chance=0.5,
        ),
        Profile(
            "sports",
            "kof",
            5,
            ("Anläggningsskötare", "Badmästare", "Fritidsledare"),
            mix=2,
            bases=_combined(names.SPORTS_KINDS),
            by_district=True,
            facility=SPORTS,
            representative_chance=0.4,
        ),
        Profile("culture", "kof", 12, ("Musiklärare", "Kulturpedagog", "Producent"), facility=CULTURE),
        # Samhällsbyggnad och teknik
        Profile(
            "waterworks",
            "sbf",
            8,
            ("Drifttekniker", "VA-tekniker", "Processingenjör"),
            mix=2,
            bases=_combined(names.WATER_KINDS),
            by_district=True,
            facility=WATERWORKS,
            representative_chance=0.8,
        ),
        Profile(
            "street_park",
            "sbf",
            16,
            ("Parkarbetare", "Gatuarbetare", "Maskinförare", "Arbetsledare"),
            mix=2,
            bases=DISTRICT_BASES,
            by_district=True,
            pattern="Gata och park {}",
            facility=DEPOT,
            facility_name="{}, förråd",
            representative_chance=0.8,
        ),
        Profile(
            "meals",
            "sbf",
            12,
            ("Kock", "Måltidsbiträde", "Måltidsbiträde"),
            mix=4,
            bases=DISTRICT_BASES,
            by_district=True,
            pattern="Måltidsservice {}",
            representative_chance=0.4,
        ),
        Profile(
            "cleaning",
            "sbf",
            18,
            ("Lokalvårdare",),
            mix=2,
            bases=DISTRICT_BASES,
            by_district=True,
            pattern="Lokalvård {}",
            representative_chance=0.4,
        ),
        Profile("technical_office", "sbf", 12, ("Handläggare", "Ingenjör", "Bygglovshandläggare", "Planarkitekt")),
        Profile(
            "property",
            "sbf",
            14,
            ("Fastighetstekniker", "Fastighetsförvaltare", "Drifttekniker"),
            facility=DEPOT,
            facility_name="{}, driftcentral",
        ),
        # Miljö
        Profile(
            "environment",
            "miljo",
            7,
            ("Miljöinspektör", "Livsmedelsinspektör", "Hälsoskyddsinspektör"),
            representative_chance=0.3,
        ),
        # Kommunledning
        Profile(
            "central_office",
            "klf",
            10,
            ("Ekonom", "HR-specialist", "Kommunikatör", "IT-tekniker", "Nämndsekreterare", "Handläggare", "Utredare"),
            representative_chance=0.3,
        ),
        Profile(
            "citizen_office",
            "klf",
            6,
            ("Kommunvägledare", "Handläggare"),
            mix=1,
            bases=DISTRICT_BASES,
            by_district=True,
            pattern="Medborgarkontor {}",
            facility=OFFICE,
            representative_chance=0.3,
        ),
        # Bolag och förbund
        Profile(
            "housing",
            "housing",
            6,
            ("Fastighetsvärd", "Fastighetsvärd", "Förvaltare", "Uthyrare"),
            mix=3,
            bases=DISTRICT_BASES,
            by_district=True,
            pattern="Bostadsområde {}",
            facility=HOUSING,
        ),
        Profile("energy", "energy", 20, ("Drifttekniker", "Elektriker", "Ingenjör"), facility=OTHER),
        Profile(
            "fire_station",
            "fire",
            24,
            ("Brandman", "Brandman", "Brandman", "Styrkeledare"),
            manager_title="Stationschef",
            mix=1.5,
            bases=DISTRICT_BASES,
            by_district=True,
            pattern="Brandstation {}",
            facility=OTHER,
            representative_chance=1.0,
        ),
        Profile("fire_prevention", "fire", 8, ("Brandinspektör", "Brandingenjör"), manager_title="Avdelningschef"),
        # The levels above the workplaces
        Profile(
            "area",
            "",
            1.5,
            ("Administratör", "Utvecklingsledare"),
            manager_title="Verksamhetschef",
            representative_chance=0.0,
        ),
        Profile(
            "administration",
            "",
            10,
            ("Utvecklingsledare", "Controller", "Administratör", "Nämndsekreterare", "Utredare", "HR-partner"),
            manager_title="Förvaltningschef",
            facility=OFFICE,
            representative_chance=0.0,
        ),
        Profile(
            "company",
            "",
            6,
            ("Ekonom", "Administratör", "Förvaltare"),
            manager_title="Verkställande direktör",
            facility=OFFICE,
            representative_chance=0.0,
        ),
        Profile(
            "federation",
            "",
            6,
            ("Administratör", "Ekonom"),
            manager_title="Räddningschef",
            facility=OFFICE,
            representative_chance=0.0,
        ),
    ]
}

GENERATED = [p for p in PROFILES.values() if p.mix > 0]
AREA_SIZE = 8  # units per generated area (förskoleområde, äldreomsorgsområde ...)
