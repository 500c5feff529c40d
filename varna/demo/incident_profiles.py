"""What the demo incidents are made of: where each type happens, when, what it costs, and texts.

The figures are plausible, not measured: they give the statistics pages realistic shapes.
"""

from __future__ import annotations

# --- what happens where ------------------------------------------------------------

SETTING_OF_PROFILE = {
    "preschool": "preschool",
    "school": "school",
    "upper_secondary": "school",
    "adult_education": "school",
    "student_health": "school",
    "care_home": "care",
    "group_home": "care",
    "daily_activity": "care",
    "health_care": "care",
    "home_care": "home_care",
    "social": "social",
    "social_office": "social",
    "citizen_office": "social",
    "library": "culture",
    "youth_centre": "culture",
    "sports": "culture",
    "culture": "culture",
    "waterworks": "technical",
    "energy": "technical",
    "street_park": "technical",
    "property": "technical",
    "cleaning": "technical",
    "meals": "technical",
    "technical_office": "technical",
    "environment": "technical",
    "housing": "housing",
    "fire_station": "fire_station",
}  # anything else (offices, administrations, areas): "office"

# Incidents per employee, relative to a school.
EXPOSURE = {
    "preschool": 0.9,
    "school": 1.0,
    "care": 1.3,
    "home_care": 1.2,
    "social": 1.4,
    "culture": 1.6,
    "technical": 1.0,
    "housing": 2.5,
    "fire_station": 0.8,
    "office": 0.4,
}

MIX: dict[str, dict[str, int]] = {
    "preschool": {
        "vandalism": 20, "burglary": 8, "theft": 6, "fire": 3, "water-damage": 6, "threat": 6, "violence": 3,
        "accident": 18, "near-miss": 14, "false-alarm": 6, "it-incident": 2, "outage": 2, "other": 4,
    },
    "school": {
        "vandalism": 22, "burglary": 8, "theft": 10, "fire": 5, "water-damage": 5, "threat": 14, "violence": 12,
        "assault": 2, "accident": 10, "near-miss": 6, "false-alarm": 8, "it-incident": 3, "outage": 1, "other": 4,
    },
    "care": {
        "threat": 14, "violence": 18, "assault": 3, "accident": 16, "near-miss": 14, "theft": 5, "fire": 3,
        "false-alarm": 10, "water-damage": 4, "outage": 3, "it-incident": 2, "other": 4,
    },
    "home_care": {
        "traffic-accident": 14, "threat": 14, "violence": 8, "accident": 18, "near-miss": 12, "theft": 6,
        "it-incident": 4, "other": 4,
    },
    "social": {
        "threat": 40, "violence": 8, "assault": 2, "it-incident": 8, "theft": 4, "near-miss": 6, "accident": 4,
        "false-alarm": 2, "other": 6,
    },
    "culture": {
        "vandalism": 18, "theft": 14, "threat": 14, "violence": 6, "burglary": 8, "accident": 10, "near-miss": 6,
        "fire": 2, "water-damage": 4, "false-alarm": 6, "other": 4,
    },
    "technical": {
        "water-damage": 8, "vandalism": 12, "burglary": 10, "theft": 8, "outage": 14, "it-incident": 6,
        "traffic-accident": 10, "accident": 14, "near-miss": 12, "fire": 4, "false-alarm": 4, "other": 4,
    },
    "housing": {
        "water-damage": 30, "vandalism": 20, "burglary": 12, "fire": 8, "theft": 6, "threat": 6, "false-alarm": 6,
        "other": 6,
    },
    "fire_station": {
        "traffic-accident": 20, "accident": 20, "near-miss": 20, "threat": 8, "violence": 4, "it-incident": 4,
        "false-alarm": 2, "other": 6,
    },
    "office": {
        "it-incident": 20, "threat": 12, "theft": 8, "near-miss": 6, "accident": 6, "outage": 6, "other": 8,
        "water-damage": 4, "false-alarm": 4, "burglary": 3,
    },
}  # fmt: skip

# Month weights, January first.
FLAT = (1.0,) * 12
SEASON: dict[str, tuple[float, ...]] = {
    "fire": (1.6, 1.4, 1.1, 1.3, 1.0, 0.8, 0.7, 0.7, 0.8, 0.9, 1.1, 1.8),
    "water-damage": (2.0, 1.8, 1.3, 1.0, 0.8, 0.7, 0.7, 0.8, 0.8, 0.9, 1.1, 1.6),
    "vandalism": (0.7, 0.7, 0.8, 0.9, 1.0, 1.1, 1.5, 1.7, 1.1, 1.3, 1.2, 0.9),
    "burglary": (0.8, 0.7, 0.8, 0.8, 0.9, 1.0, 1.6, 1.7, 1.0, 1.3, 1.1, 1.2),
    "theft": (0.9, 0.9, 0.9, 1.0, 1.0, 1.1, 1.2, 1.2, 1.0, 1.0, 1.0, 1.0),
    "threat": (1.1, 1.1, 1.1, 1.0, 1.1, 0.8, 0.5, 0.8, 1.1, 1.1, 1.2, 1.0),
    "violence": (1.1, 1.1, 1.1, 1.0, 1.1, 0.8, 0.5, 0.8, 1.1, 1.1, 1.2, 1.0),
    "assault": (1.1, 1.1, 1.1, 1.0, 1.1, 0.8, 0.6, 0.8, 1.1, 1.1, 1.1, 1.0),
    "accident": (1.5, 1.4, 1.1, 0.9, 0.9, 0.9, 0.7, 0.8, 0.9, 1.0, 1.1, 1.4),
    "traffic-accident": (1.6, 1.4, 1.0, 0.8, 0.8, 0.9, 0.8, 0.9, 1.0, 1.1, 1.3, 1.5),
    "near-miss": (1.2, 1.1, 1.0, 1.0, 1.0, 0.9, 0.7, 0.9, 1.0, 1.0, 1.1, 1.1),
    "outage": (1.3, 1.2, 1.0, 0.8, 0.8, 1.0, 1.1, 1.0, 0.9, 1.1, 1.3, 1.4),
    "false-alarm": (1.3, 1.2, 1.1, 1.0, 0.9, 0.9, 0.8, 0.8, 1.0, 1.0, 1.1, 1.3),
}
HOLIDAY_WEEK = 44  # höstlov: vandalism and burglary peak
HOLIDAY_BOOST = {"vandalism": 2.0, "burglary": 2.0}

# When in the day and week: "night" (burglary, vandalism), "day" (working hours) or "any".
NIGHT_TYPES = {"burglary", "vandalism"}
ANY_TYPES = {"fire", "water-damage", "false-alarm", "outage", "violence", "assault", "theft"}
HOURS = {
    "night": (5, 4, 4, 3, 2, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 2, 3, 4, 5, 6, 6, 6),
    "day": (0, 0, 0, 0, 0, 0, 1, 3, 6, 7, 7, 6, 5, 6, 7, 6, 5, 3, 2, 1, 1, 1, 0, 0),
    "any": (1, 1, 1, 1, 1, 1, 2, 3, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 3, 3, 3, 2, 2, 1),
}
WEEKDAYS = {  # Monday first
    "night": (0.8, 0.8, 0.8, 0.9, 1.3, 1.6, 1.4),
    "day": (1.1, 1.1, 1.1, 1.1, 1.0, 0.35, 0.3),
    "any": (1.0, 1.0, 1.0, 1.0, 1.0, 0.9, 0.9),
}

# (share with a cost, median SEK, sigma of the log)
COSTS: dict[str, tuple[float, float, float]] = {
    "fire": (0.7, 30_000, 1.4),
    "water-damage": (0.85, 25_000, 1.1),
    "vandalism": (0.75, 4_000, 1.0),
    "burglary": (0.8, 12_000, 1.0),
    "theft": (0.8, 6_000, 1.0),
    "threat": (0.02, 2_000, 0.8),
    "violence": (0.08, 3_000, 1.0),
    "assault": (0.1, 5_000, 1.0),
    "accident": (0.1, 2_000, 1.0),
    "traffic-accident": (0.75, 15_000, 0.9),
    "it-incident": (0.2, 8_000, 1.3),
    "outage": (0.4, 15_000, 1.4),
    "false-alarm": (0.6, 4_500, 0.3),  # the fire service's fee for a false alarm
    "other": (0.2, 3_000, 1.0),
}
MAX_COST = 5_000_000.0

# Consequences: dimension -> the highest level it usually reaches for the type.
CONSEQUENCES: dict[str, dict[str, int]] = {
    "fire": {"property": 2, "operations": 1},
    "water-damage": {"property": 2, "operations": 1},
    "vandalism": {"property": 1},
    "burglary": {"property": 1, "economy": 1},
    "theft": {"economy": 1},
    "threat": {"people": 1},
    "violence": {"people": 2},
    "assault": {"people": 2},
    "accident": {"people": 1},
    "traffic-accident": {"people": 1, "property": 1},
    "near-miss": {"people": 1},
    "it-incident": {"operations": 1},
    "outage": {"operations": 2},
    "false-alarm": {"operations": 1},
}
PEOPLE_TYPES = {"violence", "assault", "accident", "traffic-accident", "fire"}

DESCRIPTIONS: dict[str, tuple[str, ...]] = {
    "fire": (
        "Brand i papperskorg utanför entrén. Släckt med handbrandsläckare.",
        "Glömt ljus orsakade brand i ett fönsterbord. Rökskador i rummet.",
        "Brand i torktumlare i tvättstugan. Räddningstjänsten kallades.",
        "Anlagd brand i soprum på natten.",
        "Kortslutning i en elcentral gav rökutveckling. Lokalen utrymdes.",
    ),
    "water-damage": (
        "Vattenläcka från frusen ledning i förrådet.",
        "Läckage från diskmaskinen i personalrummet; golvet är skadat.",
        "Vatten i källaren efter kraftigt regn.",
        "Stopp i avloppet gav översvämning på toaletterna.",
        "Takläcka vid snösmältning, fuktskador i korridoren.",
    ),
    "vandalism": (
        "Klotter på fasaden mot parkeringen.",
        "Krossade fönsterrutor på baksidan under helgen.",
        "Sönderslagen lekutrustning på gården.",
        "Skadegörelse på toaletterna: trasiga handfat och speglar.",
        "Inslagen ruta i entrédörren.",
    ),
    "burglary": (
        "Inbrott under natten. Datorer och en projektor saknas.",
        "Uppbrutet förråd, verktyg stulna.",
        "Inbrottsförsök: brytmärken på dörren, ingen tog sig in.",
        "Inbrott i köket, livsmedel och kassaskåp rört.",
    ),
    "theft": (
        "Stöld av mobiltelefon ur personalrummet.",
        "Cykel stulen från cykelstället trots lås.",
        "Plånbok stulen ur en väska i omklädningsrummet.",
        "Bärbar dator saknas efter ett möte.",
    ),
    "threat": (
        "En anhörig uttalade hot mot personal i telefon.",
        "Elev hotade en lärare efter en tillsägelse.",
        "Besökare hotade personal i receptionen.",
        "Hotfulla meddelanden till en medarbetare i sociala medier.",
        "Brukare uttalade hot om våld under ett besök.",
    ),
    "violence": (
        "En elev slog en lärare i samband med en konflikt på rasten.",
        "Brukare knuffade och rev en medarbetare vid omvårdnad.",
        "Personal blev sparkad vid ett utbrott.",
        "Medarbetare blev biten i handen.",
    ),
    "assault": (
        "Medarbetare överfallen på väg till bilen efter arbetspassets slut.",
        "Personal attackerades av en besökare och fick uppsöka vården.",
    ),
    "accident": (
        "Halkade på isen vid entrén och slog i höften.",
        "Skar sig på en trasig glasburk i köket.",
        "Klämde fingrarna i en branddörr.",
        "Föll från en pall vid hämtning av material på en hylla.",
        "Lyftskada vid förflyttning av brukare.",
    ),
    "traffic-accident": (
        "Backade in i en grind med tjänstebilen.",
        "Kollision i korsning på väg till ett hembesök; ingen skadad.",
        "Tjänstebilen gled av vägen i halka.",
        "Påkörd bakifrån vid rödljus.",
    ),
    "near-miss": (
        "Nära att halka i trappan, saknad halkskydd.",
        "Ett barn var nära att klämma handen i grinden.",
        "Hylla var inte förankrad och höll på att välta.",
        "Kemikalier förvarades oåtkomligt låsta men skåpet stod öppet.",
        "Lös kabel över gången, nära att snubbla.",
    ),
    "it-incident": (
        "Nätfiskemejl öppnat; lösenordet byttes direkt.",
        "Verksamhetssystemet låg nere under förmiddagen.",
        "Borttappat USB-minne med arbetsmaterial.",
        "Mejl med personuppgifter skickat till fel mottagare.",
    ),
    "outage": (
        "Strömavbrott i två timmar efter åska.",
        "Avbrott i vattenförsörjningen under reparation.",
        "Värmen slutade fungera, lokalerna kalla under dagen.",
        "Telefonin låg nere under eftermiddagen.",
    ),
    "false-alarm": (
        "Brandlarmet löste ut av matos i köket.",
        "Obefogat inbrottslarm, väktare utryckte.",
        "Brandlarm utlöst av damm vid renovering.",
        "Larmet gick av en glömd tidsinställning.",
    ),
    "other": (
        "Okänd person uppehöll sig i lokalerna efter stängning.",
        "Nycklar borttappade, låsbyte beställt.",
        "Hittade en kanyl på gården.",
    ),
}
IMMEDIATE = (
    "Området spärrades av och chefen underrättades.",
    "Polisen kontaktades.",
    "Fastighetsjouren kontaktades.",
    "Skadan dokumenterades med foto.",
    "",
    "",
)
CAUSES = (
    "Bristande rutin för låsning vid stängning.",
    "Slitage och eftersatt underhåll.",
    "Hög arbetsbelastning och ensamarbete.",
    "Yttre omständigheter utanför verksamhetens kontroll.",
    "Oklar ansvarsfördelning.",
)
MEASURES = (
    "Rutinen har setts över och gåtts igenom på arbetsplatsträff.",
    "Fastighetsägaren har åtgärdat bristen.",
    "Larm och belysning har förbättrats.",
    "Personalen har fått utbildning i hot- och våldssituationer.",
    "Ingen ytterligare åtgärd bedöms nödvändig.",
)
NO_POLICE = (
    "Händelsen bedömdes inte som brottslig.",
    "Den drabbade ville inte göra en anmälan.",
    "Brukaren bedömdes sakna förmåga att förstå sitt handlande.",
)

# The code string (kodsträng) of a cost: the activity (verksamhet) by kind of workplace, the account (konto) by type.
ACTIVITY = {"preschool": "407", "school": "425", "care": "510", "home_care": "530"}
ACCOUNT = {
    "fire": "6420",
    "water-damage": "6420",
    "vandalism": "6420",
    "burglary": "6420",
    "theft": "6460",
    "false-alarm": "6950",
}
