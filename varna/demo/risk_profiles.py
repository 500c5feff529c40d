"""What the demo's risk analyses are made of: typical risks of each kind of workplace and their measures.

Each :class:`RiskIdea` is a risk a Swedish municipal workplace would write down in its yearly risk
analysis, with the security area it belongs to, where it fits (settings of
:data:`varna.demo.incident_profiles.SETTING_OF_PROFILE` or profile keys of :mod:`varna.demo.units`),
the usual range of its likelihood and of its consequence per dimension on a 5x5 matrix, and the
measures usually proposed against it (eliminate, prevent or limit; G1, G5) with typical costs.
"""

from __future__ import annotations

from dataclasses import dataclass, field

ELIMINATE, PREVENT, LIMIT = "eliminate", "prevent", "limit"
EVERYWHERE: frozenset[str] = frozenset()
PEOPLE_PLACES = frozenset({"preschool", "school", "care", "home_care", "social", "culture", "office"})
BUILDINGS = frozenset({"preschool", "school", "care", "culture", "office", "social", "housing", "technical"})


@dataclass(frozen=True)
class MeasureIdea:
    kind: str  # MeasureType value
    title: str
    investment: tuple[int, int] = (0, 0)  # SEK
    yearly: tuple[int, int] = (0, 0)  # SEK per year
    lifetime: int = 10
    continuity: bool = False  # K9: readiness to solve problems with premises or operations after a damage
    description: str = ""


@dataclass(frozen=True)
class RiskIdea:
    area: str  # security area code
    title: str
    threat: str
    controls: str
    where: frozenset[str]  # settings or profile keys; empty: everywhere
    likelihood: tuple[int, int]
    consequences: dict[str, tuple[int, int]]
    measures: tuple[MeasureIdea, ...]
    future: bool = False  # a risk that may arise (timeframe "future")
    weight: float = 1.0
    description: str = field(default="")


def _w(*keys: str) -> frozenset[str]:
    return frozenset(keys)


RISKS: tuple[RiskIdea, ...] = (
    # --- Brandskydd
    RiskIdea(
        "fire-protection",
        "Brand i tillagningskök",
        "Glömd spis, fettbrand i fritös eller fel på storköksutrustning.",
        "Brandfilt och handbrandsläckare i köket. Köksfläkten rengörs en gång per år.",
        _w("preschool", "school", "care", "meals"),
        (2, 3),
        {"people": (2, 3), "property": (2, 4), "operations": (2, 3)},
        (
            MeasureIdea(PREVENT, "Spisvakt på samtliga spisar", (15000, 45000), (0, 1500), 10),
            MeasureIdea(LIMIT, "Automatiskt släcksystem i köksfläkten", (60000, 160000), (3000, 6000), 15),
            MeasureIdea(PREVENT, "Utbildning i brandskydd för kökspersonalen", (0, 0), (5000, 15000), 3),
        ),
        weight=1.5,
    ),
    RiskIdea(
        "fire-protection",
        "Anlagd brand i soprum eller mot fasad",
        "Ungdomar som vistas på gården kvällstid tänder eld på sopkärl som står mot fasaden.",
        "Sopkärlen töms två gånger i veckan. Belysning på gården.",
        _w("preschool", "school", "housing", "culture"),
        (2, 4),
        {"property": (2, 4), "operations": (1, 3), "people": (1, 2)},
        (
            MeasureIdea(PREVENT, "Flytta sopkärlen minst sex meter från fasaden", (10000, 40000), (0, 0), 20),
            MeasureIdea(PREVENT, "Låsbara sopkärl och belysning med rörelsevakt", (15000, 50000), (0, 2000), 10),
            MeasureIdea(LIMIT, "Kameraövervakning av gården kvällar och helger", (80000, 200000), (10000, 20000), 8),
        ),
        weight=1.2,
    ),
    RiskIdea(
        "fire-protection",
        "Brand vid laddning av elcyklar och batterier",
        "Elcyklar, elsparkcyklar och batterier laddas i trapphus, förråd och kontorsrum.",
        "Förbud mot laddning i trapphus. Inga särskilda laddplatser finns.",
        _w("housing", "office", "technical", "care", "school"),
        (2, 3),
        {"property": (2, 4), "people": (2, 3), "operations": (1, 3)},
        (
            MeasureIdea(PREVENT, "Anvisad laddplats i egen brandcell", (40000, 120000), (0, 2000), 20),
            MeasureIdea(PREVENT, "Regler och information om laddning i lokalerna", (0, 0), (0, 3000), 3),
        ),
        future=True,
        weight=0.8,
    ),
    RiskIdea(
        "fire-protection",
        "Brand i boenderum där de boende har svårt att utrymma",
        "Rökning, levande ljus eller elfel i en lägenhet där den boende inte kan ta sig ut själv.",
        "Brandlarm kopplat till larmcentral. Nattpersonal har gått brandutbildning.",
        _w("care_home", "group_home"),
        (2, 3),
        {"people": (3, 5), "property": (2, 3), "operations": (2, 4)},
        (
            MeasureIdea(LIMIT, "Boendesprinkler i samtliga lägenheter", (300000, 900000), (5000, 12000), 30),
            MeasureIdea(PREVENT, "Brandsäkra textilier och spisvakter i lägenheterna", (20000, 80000), (0, 2000), 10),
            MeasureIdea(LIMIT, "Utrymningsövning med nattpersonalen två gånger per år", (0, 0), (10000, 25000), 1),
        ),
        weight=3.0,
    ),
    RiskIdea(
        "fire-protection",
        "Brister i det systematiska brandskyddsarbetet",
        "Egenkontroller av brandskyddet görs inte regelbundet och brister upptäcks inte.",
        "Det finns en brandskyddsansvarig, men egenkontrollen är inte dokumenterad.",
        EVERYWHERE,
        (3, 4),
        {"people": (2, 3), "property": (2, 3)},
        (
            MeasureIdea(PREVENT, "Egenkontroll av brandskyddet varje månad med checklista", (0, 0), (0, 4000), 1),
            MeasureIdea(PREVENT, "Utbilda en brandskyddsansvarig på enheten", (0, 0), (5000, 12000), 3),
        ),
        weight=0.8,
    ),
    RiskIdea(
        "fire-protection",
        "Blockerade utrymningsvägar",
        "Barnvagnar, hjälpmedel och möbler ställs i korridorer och framför nödutgångar.",
        "Utrymningsplaner finns uppsatta. Skyltar är belysta.",
        _w("preschool", "school", "culture", "care", "office", "social"),
        (3, 4),
        {"people": (2, 4), "operations": (1, 2)},
        (
            MeasureIdea(PREVENT, "Daglig kontroll av utrymningsvägarna vid öppning", (0, 0), (0, 2000), 1),
            MeasureIdea(
                ELIMINATE, "Anvisade förvaringsplatser för barnvagnar och hjälpmedel", (10000, 40000), (0, 0), 15
            ),
        ),
    ),
    # --- Personsäkerhet
    RiskIdea(
        "personal-safety",
        "Hot mot personal vid myndighetsutövning",
        "Missnöjda klienter eller anhöriga hotar handläggare vid beslut, i telefon och i sociala medier.",
        "Besöksrummen ligger nära receptionen. Rutin för att anmäla hot finns.",
        _w("social", "social_office", "citizen_office", "environment", "technical_office", "fire_prevention"),
        (3, 5),
        {"people": (2, 4), "operations": (1, 3)},
        (
            MeasureIdea(PREVENT, "Besöksrum med två utgångar och överfallslarm", (40000, 120000), (2000, 6000), 15),
            MeasureIdea(PREVENT, "Rutin för hembesök två och två", (0, 0), (0, 5000), 3),
            MeasureIdea(LIMIT, "Utbildning i konflikthantering och bemötande", (0, 0), (15000, 40000), 3),
        ),
        weight=3.0,
    ),
    RiskIdea(
        "personal-safety",
        "Våld från brukare vid omvårdnad",
        "Brukare med demenssjukdom eller psykisk ohälsa slår, nyper eller sparkar personalen.",
        "Genomförandeplaner beskriver bemötandet. Personalen arbetar i par vid kända risker.",
        _w("care", "home_care"),
        (3, 5),
        {"people": (2, 3), "operations": (1, 2)},
        (
            MeasureIdea(PREVENT, "Individuell riskbedömning i varje genomförandeplan", (0, 0), (0, 5000), 2),
            MeasureIdea(LIMIT, "Personlarm till personal som arbetar ensam", (20000, 60000), (5000, 15000), 6),
            MeasureIdea(PREVENT, "Utbildning i lågaffektivt bemötande", (0, 0), (20000, 50000), 3),
        ),
        weight=3.0,
    ),
    RiskIdea(
        "personal-safety",
        "Ensamarbete i brukarens hem",
        "Personalen är ensam hos brukaren, ibland sent på kvällen, och kan inte kalla på hjälp.",
        "Mobiltelefon i tjänsten. Planeringen visar var personalen befinner sig.",
        _w("home_care", "social"),
        (3, 4),
        {"people": (2, 4)},
        (
            MeasureIdea(PREVENT, "Trygghetsapp med larmknapp och position", (5000, 15000), (20000, 60000), 3),
            MeasureIdea(PREVENT, "Rutin för avstämning före och efter besök hos nya brukare", (0, 0), (0, 3000), 2),
        ),
        weight=2.0,
    ),
    RiskIdea(
        "personal-safety",
        "Hot och våld mellan elever",
        "Konflikter mellan elever trappas upp på raster och i omklädningsrum.",
        "Rastvakter enligt schema. Likabehandlingsplan finns.",
        _w("school", "upper_secondary"),
        (3, 5),
        {"people": (2, 3), "operations": (1, 2)},
        (
            MeasureIdea(PREVENT, "Fler vuxna ute på raster och i korridorer", (0, 0), (50000, 200000), 1),
            MeasureIdea(PREVENT, "Trygghetsvandring med elevrådet varje termin", (0, 0), (0, 3000), 1),
            MeasureIdea(LIMIT, "Handlingsplan och övning vid våld i skolan", (0, 0), (5000, 15000), 2),
        ),
        weight=2.5,
    ),
    RiskIdea(
        "personal-safety",
        "Halkolyckor vid entrén",
        "Is och snö vid entrén och på gångvägarna en vintermorgon innan snöröjningen har kommit.",
        "Halkbekämpning enligt avtal med gatukontoret. Sand finns vid entrén.",
        BUILDINGS | _w("fire_station"),
        (3, 4),
        {"people": (1, 3)},
        (
            MeasureIdea(PREVENT, "Snösmältning i marken vid huvudentrén", (80000, 250000), (2000, 8000), 20),
            MeasureIdea(PREVENT, "Avtal om halkbekämpning före klockan 6.30", (0, 0), (5000, 15000), 1),
            MeasureIdea(PREVENT, "Broddar att låna ut till personalen", (2000, 6000), (0, 1000), 3),
        ),
        weight=1.2,
    ),
    RiskIdea(
        "personal-safety",
        "Barn som avviker från förskolans gård",
        "Grinden står öppen vid hämtning och lämning, och staketet är lågt mot parkeringen.",
        "Personalen räknar barnen vid varje förflyttning.",
        _w("preschool"),
        (2, 4),
        {"people": (2, 4), "operations": (1, 2)},
        (
            MeasureIdea(PREVENT, "Högre staket och grindlås med barnspärr", (40000, 120000), (0, 2000), 20),
            MeasureIdea(PREVENT, "Rutin för att räkna barnen vid utevistelse och utflykter", (0, 0), (0, 1000), 1),
        ),
        weight=2.5,
    ),
    RiskIdea(
        "personal-safety",
        "Olycka vid lek på utegården",
        "Trasiga lekredskap och slitet fallskydd under klätterställningar.",
        "Personalen tittar över gården varje morgon.",
        _w("preschool", "school"),
        (3, 4),
        {"people": (1, 3)},
        (
            MeasureIdea(PREVENT, "Årlig besiktning av lekredskapen", (0, 0), (5000, 15000), 1),
            MeasureIdea(PREVENT, "Nytt fallskydd under klätterställningen", (30000, 90000), (0, 0), 10),
        ),
        weight=1.5,
    ),
    RiskIdea(
        "personal-safety",
        "Belastningsskador vid lyft och förflyttning",
        "Tunga lyft av brukare utan tillräckliga hjälpmedel, särskilt nattetid.",
        "Mobila lyftar finns på varje avdelning.",
        _w("care", "home_care"),
        (3, 4),
        {"people": (2, 3), "operations": (1, 2)},
        (
            MeasureIdea(PREVENT, "Taklyftar i samtliga boenderum", (200000, 600000), (5000, 15000), 20),
            MeasureIdea(PREVENT, "Förflyttningsutbildning för all personal", (0, 0), (20000, 50000), 3),
        ),
        weight=1.5,
    ),
    RiskIdea(
        "personal-safety",
        "Drunkningstillbud i bassängen",
        "Många badande vid skollov och få badvakter på plats.",
        "Badvakter enligt bemanningsplan. Livräddningsutrustning vid bassängkanten.",
        _w("sports"),
        (2, 3),
        {"people": (3, 5), "operations": (1, 2)},
        (
            MeasureIdea(PREVENT, "Fler badvakter vid skollov och helger", (0, 0), (60000, 150000), 1),
            MeasureIdea(LIMIT, "Livräddning och hjärt-lungräddning för all badpersonal", (0, 0), (10000, 25000), 2),
        ),
        weight=4.0,
    ),
    RiskIdea(
        "personal-safety",
        "Stickskador och smitta efter insats",
        "Kontaminerad utrustning och kläder tas med in i stationens bostadsdel.",
        "Kläder tvättas på stationen. Rutin för sanering finns.",
        _w("fire_station"),
        (3, 4),
        {"people": (2, 3)},
        (
            MeasureIdea(ELIMINATE, "Rena och smutsiga zoner i stationen", (150000, 400000), (0, 5000), 25),
            MeasureIdea(PREVENT, "Extra uppsättning skyddskläder till varje brandman", (50000, 150000), (0, 0), 5),
        ),
        weight=4.0,
    ),
    RiskIdea(
        "personal-safety",
        "Kemikalieolycka vid hantering av processkemikalier",
        "Spill och stänk vid påfyllning av fällningskemikalier och klor.",
        "Ögondusch och skyddsutrustning vid doseringsanläggningen.",
        _w("waterworks", "energy", "cleaning"),
        (2, 3),
        {"people": (2, 4), "environment": (2, 3), "operations": (1, 3)},
        (
            MeasureIdea(PREVENT, "Invallning och spillskydd vid påfyllningsplatsen", (60000, 180000), (0, 2000), 20),
            MeasureIdea(PREVENT, "Kemikalieförteckning och riskbedömning av varje produkt", (0, 0), (5000, 10000), 2),
        ),
        weight=3.0,
    ),
    # --- Trafiksäkerhet
    RiskIdea(
        "traffic-safety",
        "Trafikolycka vid lämning och hämtning",
        "Bilar backar och vänder på gården där barn går och cyklar.",
        "Skylt om gångfartsområde vid infarten.",
        _w("preschool", "school"),
        (2, 4),
        {"people": (2, 4)},
        (
            MeasureIdea(PREVENT, "Avlämningszon utanför gården i samråd med gatukontoret", (50000, 200000), (0, 0), 25),
            MeasureIdea(PREVENT, "Farthinder på infartsvägen", (20000, 60000), (0, 1000), 15),
        ),
    ),
    RiskIdea(
        "traffic-safety",
        "Trafikolycka i tjänsten",
        "Personalen kör mellan besök under tidspress, i mörker och på hala vägar.",
        "Tjänstebilarna har vinterdäck och servas enligt plan.",
        _w("home_care", "technical", "fire_station", "social", "housing"),
        (3, 4),
        {"people": (2, 4), "property": (1, 2), "economy": (1, 2)},
        (
            MeasureIdea(PREVENT, "Utbildning i halkkörning för nya förare", (0, 0), (15000, 40000), 3),
            MeasureIdea(PREVENT, "Körschema med tid för förflyttning mellan besöken", (0, 0), (0, 2000), 1),
            MeasureIdea(PREVENT, "Regel mot mobiltelefon under körning", (0, 0), (0, 0), 3),
        ),
        weight=1.5,
    ),
    # --- Inbrottsskydd
    RiskIdea(
        "burglary-protection",
        "Inbrott och stöld av datorer",
        "Inbrott nattetid genom fönster i bottenvåningen; bärbara datorer och surfplattor stjäls.",
        "Datorerna låses in i ett skåp över natten. Lokalen har inget inbrottslarm.",
        _w("school", "preschool", "office", "social", "culture", "social_office"),
        (3, 4),
        {"property": (1, 2), "economy": (1, 2), "operations": (1, 2)},
        (
            MeasureIdea(PREVENT, "Inbrottslarm med larmcentral i hela byggnaden", (60000, 200000), (6000, 15000), 15),
            MeasureIdea(PREVENT, "Låsbara laddskåp för bärbara datorer och surfplattor", (20000, 60000), (0, 0), 10),
            MeasureIdea(LIMIT, "Stöldmärkning och förteckning över stöldbegärlig egendom", (0, 0), (3000, 8000), 3),
        ),
        weight=1.5,
    ),
    RiskIdea(
        "burglary-protection",
        "Stöld av verktyg och maskiner ur förråd",
        "Inbrott i förråd och containrar där dyra maskiner och verktyg förvaras.",
        "Förråden är låsta med hänglås.",
        _w("technical", "housing", "fire_station"),
        (3, 4),
        {"property": (1, 3), "economy": (1, 2), "operations": (1, 2)},
        (
            MeasureIdea(PREVENT, "Larmade förråd med godkända lås", (40000, 120000), (3000, 8000), 15),
            MeasureIdea(LIMIT, "Spårsändare på de dyraste maskinerna", (10000, 30000), (3000, 8000), 5),
        ),
        weight=1.5,
    ),
    RiskIdea(
        "burglary-protection",
        "Stöld av läkemedel",
        "Narkotikaklassade läkemedel försvinner ur läkemedelsrummet.",
        "Läkemedelsrummet är låst. Narkotikaklassade läkemedel räknas en gång i månaden.",
        _w("care_home", "health_care", "group_home"),
        (2, 3),
        {"people": (2, 3), "economy": (1, 2), "operations": (1, 2)},
        (
            MeasureIdea(PREVENT, "Passerkontroll med loggning till läkemedelsrummet", (30000, 90000), (2000, 5000), 10),
            MeasureIdea(PREVENT, "Inventering av narkotikaklassade läkemedel varje vecka", (0, 0), (0, 5000), 1),
        ),
        weight=2.0,
    ),
    # --- Brottsförebyggande arbete
    RiskIdea(
        "crime-prevention",
        "Skadegörelse och klotter på fasader",
        "Klotter och skadegörelse på fasader och skyltar, oftast under helger och lov.",
        "Klotter anmäls till fastighetsavdelningen som sanerar.",
        _w("school", "preschool", "culture", "housing", "technical"),
        (3, 5),
        {"property": (1, 2), "economy": (1, 2)},
        (
            MeasureIdea(PREVENT, "Klotterskydd på de mest utsatta fasaderna", (30000, 100000), (0, 3000), 10),
            MeasureIdea(LIMIT, "Avtal om sanering inom 24 timmar", (0, 0), (10000, 40000), 1),
            MeasureIdea(PREVENT, "Bättre belysning runt byggnaden", (40000, 120000), (1000, 3000), 15),
        ),
        weight=1.5,
    ),
    RiskIdea(
        "crime-prevention",
        "Krossade fönster under helger och lov",
        "Stenkastning mot fönster när skolgården används som samlingsplats kvällstid.",
        "Väktare ronderar på helgerna enligt kommunens avtal.",
        _w("school", "preschool", "culture"),
        (3, 4),
        {"property": (1, 2), "operations": (1, 2), "economy": (1, 2)},
        (
            MeasureIdea(PREVENT, "Extra väktarrondering under sommarlov och höstlov", (0, 0), (30000, 90000), 1),
            MeasureIdea(LIMIT, "Laminerat glas i bottenvåningens fönster", (80000, 250000), (0, 0), 25),
        ),
    ),
    RiskIdea(
        "crime-prevention",
        "Obehöriga personer i lokalerna dagtid",
        "Okända personer kommer in genom olåsta entréer och rör sig fritt i huset.",
        "Entrén är öppen dagtid. Personalen bär namnbricka.",
        _w("school", "care", "office", "social", "culture", "preschool"),
        (3, 4),
        {"people": (1, 3), "property": (1, 2), "operations": (1, 2)},
        (
            MeasureIdea(PREVENT, "Passerkort och låsta entréer efter klockan 9", (100000, 300000), (5000, 15000), 15),
            MeasureIdea(PREVENT, "Rutin för att möta och fråga okända besökare", (0, 0), (0, 1000), 2),
        ),
    ),
    # --- Informationssäkerhet
    RiskIdea(
        "information-security",
        "Obehörig åtkomst till personuppgifter",
        "Behörigheter i verksamhetssystemet tas inte bort när personal slutar eller byter tjänst.",
        "Behörigheter beställs av chefen. Loggar finns men följs inte upp.",
        _w("social", "office", "care", "school", "home_care", "health_care"),
        (2, 4),
        {"economy": (2, 3), "operations": (1, 2), "people": (1, 3)},
        (
            MeasureIdea(PREVENT, "Behörighetsöversyn i verksamhetssystemet två gånger per år", (0, 0), (0, 5000), 1),
            MeasureIdea(PREVENT, "Tvåfaktorsinloggning till verksamhetssystemet", (20000, 80000), (5000, 20000), 5),
            MeasureIdea(PREVENT, "Utbildning i informationssäkerhet och dataskydd", (0, 0), (5000, 20000), 2),
        ),
        weight=2.0,
    ),
    RiskIdea(
        "information-security",
        "Nätfiske och bedrägeriförsök via e-post",
        "E-post som ser ut att komma från chefen eller IT-avdelningen lurar personal att lämna ut lösenord.",
        "Skräppostfilter. Information på intranätet.",
        EVERYWHERE,
        (3, 4),
        {"economy": (1, 3), "operations": (1, 3)},
        (
            MeasureIdea(PREVENT, "Övningar i att känna igen nätfiske för alla medarbetare", (0, 0), (10000, 30000), 1),
            MeasureIdea(PREVENT, "Rutin för att kontrollera ändrade kontonummer per telefon", (0, 0), (0, 1000), 2),
        ),
    ),
    RiskIdea(
        "information-security",
        "Sekretessbelagda handlingar blir liggande framme",
        "Utskrifter blir kvar i skrivaren och akter lämnas på skrivbord i delade rum.",
        "Låsbara skåp finns. Rutin för rent skrivbord saknas.",
        _w("social", "office", "school", "social_office", "health_care"),
        (3, 4),
        {"people": (1, 2), "economy": (1, 2), "operations": (1, 2)},
        (
            MeasureIdea(PREVENT, "Säker utskrift med passerkort", (15000, 40000), (2000, 6000), 6),
            MeasureIdea(PREVENT, "Rutin för rent skrivbord och låsta skåp", (0, 0), (0, 1000), 2),
        ),
    ),
    RiskIdea(
        "information-security",
        "Avbrott i verksamhetssystemet för dokumentation",
        "Personalen kommer inte åt genomförandeplaner och läkemedelslistor vid ett IT-avbrott.",
        "IT-avdelningen har jour dygnet runt.",
        _w("care", "home_care", "social", "health_care"),
        (2, 3),
        {"people": (2, 3), "operations": (2, 4)},
        (
            MeasureIdea(LIMIT, "Reservrutin med utskrift av aktuella insatser varje vecka", (0, 0), (0, 3000), 1, True),
            MeasureIdea(LIMIT, "Övning i att arbeta utan verksamhetssystemet", (0, 0), (5000, 15000), 1, True),
        ),
    ),
    # --- Ekonomisk säkerhet
    RiskIdea(
        "economic-security",
        "Bedrägeri med falska fakturor",
        "Fakturor för tjänster som inte har beställts, eller ändrade bankuppgifter hos en känd leverantör.",
        "Fakturor attesteras av beställaren.",
        _w("office", "social_office", "technical_office", "central_office"),
        (2, 4),
        {"economy": (2, 3)},
        (
            MeasureIdea(PREVENT, "Attest i två led för nya leverantörer", (0, 0), (0, 3000), 2),
            MeasureIdea(PREVENT, "Kontroll av ändrade bankuppgifter per telefon", (0, 0), (0, 1000), 2),
        ),
        weight=1.5,
    ),
    RiskIdea(
        "economic-security",
        "Hantering av kontanter och brukarnas pengar",
        "Kontanter i kassa och i brukarnas plånböcker hanteras av flera personer utan kvitton.",
        "Kassan räknas vid dagens slut.",
        _w("care", "home_care", "culture", "social"),
        (2, 4),
        {"economy": (1, 2), "people": (1, 2)},
        (
            MeasureIdea(PREVENT, "Kvittorutin och kontroll av kassan varje månad", (0, 0), (0, 2000), 1),
            MeasureIdea(ELIMINATE, "Kortbetalning i stället för kontanter", (5000, 20000), (3000, 8000), 5),
        ),
    ),
    # --- Tekniskt skydd
    RiskIdea(
        "technical-protection",
        "Vattenskada från äldre rörsystem",
        "Läckage från rör och avloppsstammar som är över 40 år gamla.",
        "Fastighetsavdelningen gör okulär besiktning vart tredje år.",
        _w("school", "preschool", "care", "housing", "culture", "office"),
        (3, 4),
        {"property": (2, 3), "operations": (2, 3), "economy": (1, 2)},
        (
            MeasureIdea(PREVENT, "Relining av avloppsstammarna", (300000, 1200000), (0, 0), 40),
            MeasureIdea(LIMIT, "Läckagevakt och avstängningsventil i kök och teknikrum", (15000, 50000), (0, 2000), 15),
            MeasureIdea(LIMIT, "Avtal om jour för vattensanering", (0, 0), (3000, 8000), 1, True),
        ),
        weight=1.5,
    ),
    RiskIdea(
        "technical-protection",
        "Bristande underhåll av brandlarm och inbrottslarm",
        "Larmanläggningar som inte provas och servas larmar inte när det behövs.",
        "Serviceavtal finns för brandlarmet men inte för inbrottslarmet.",
        BUILDINGS,
        (2, 3),
        {"property": (2, 3), "people": (1, 3)},
        (
            MeasureIdea(PREVENT, "Serviceavtal med årlig kontroll av alla larmanläggningar", (0, 0), (8000, 25000), 1),
            MeasureIdea(PREVENT, "Utse en larmansvarig på enheten", (0, 0), (0, 2000), 2),
        ),
        weight=0.8,
    ),
    RiskIdea(
        "technical-protection",
        "Obefogade brandlarm vid matlagning och städning",
        "Os från matlagning och ånga från städning löser ut brandlarmet; räddningstjänsten rycker ut.",
        "Personalen vet att de ska vädra och stänga dörrar vid matlagning.",
        _w("care", "preschool", "school", "housing"),
        (3, 5),
        {"economy": (1, 2), "operations": (1, 2)},
        (
            MeasureIdea(PREVENT, "Byta till detektorer som skiljer os från rök i köken", (20000, 60000), (0, 1000), 12),
            MeasureIdea(PREVENT, "Information till personalen om rutinen vid matlagning", (0, 0), (0, 1000), 1),
        ),
        weight=1.2,
    ),
    RiskIdea(
        "technical-protection",
        "Borttappade nycklar och passerkort",
        "Nycklar till huvudentrén som kommer bort kan inte spärras; låsen måste bytas.",
        "Nycklar kvitteras ut av chefen.",
        EVERYWHERE,
        (3, 4),
        {"property": (1, 2), "economy": (1, 2)},
        (
            MeasureIdea(PREVENT, "Elektroniska lås med spärrbara passerkort", (100000, 300000), (5000, 15000), 15),
            MeasureIdea(PREVENT, "Nyckelkvittens och årlig nyckelinventering", (0, 0), (0, 2000), 1),
        ),
    ),
    RiskIdea(
        "technical-protection",
        "Fukt och mögel i källarlokaler",
        "Fukt tränger in i källarväggar; lokalerna används för förvaring och grupprum.",
        "Avfuktare i två av rummen.",
        _w("preschool", "school", "office", "culture"),
        (2, 3),
        {"people": (1, 2), "property": (2, 3), "operations": (1, 3)},
        (
            MeasureIdea(ELIMINATE, "Dränering och fuktspärr runt grunden", (200000, 600000), (0, 0), 30),
            MeasureIdea(LIMIT, "Fuktmätning två gånger per år", (0, 0), (3000, 8000), 1),
        ),
        weight=0.7,
    ),
    RiskIdea(
        "technical-protection",
        "Sabotage och intrång vid vattenverket",
        "Obehöriga tar sig in på området och kan förorena vattnet eller skada anläggningen.",
        "Stängsel runt området och låsta dörrar.",
        _w("waterworks", "energy"),
        (2, 3),
        {"people": (2, 4), "operations": (3, 4), "environment": (1, 3)},
        (
            MeasureIdea(PREVENT, "Intrångslarm och kamerabevakning av området", (150000, 400000), (15000, 30000), 15),
            MeasureIdea(LIMIT, "Reservvattentäkt och plan för nödvatten", (0, 0), (10000, 30000), 1, True),
        ),
        weight=4.0,
    ),
    # --- Telekommunikation
    RiskIdea(
        "telecommunication",
        "Avbrott i telefoni och larmöverföring",
        "Fiberavbrott slår ut telefoni, trygghetslarm och överföringen av brandlarm till larmcentralen.",
        "Larmöverföringen har en reservväg för brandlarmet.",
        _w("care", "home_care", "fire_station", "technical"),
        (2, 3),
        {"people": (2, 4), "operations": (2, 3)},
        (
            MeasureIdea(LIMIT, "Reservväg för larmöverföring via mobilnätet", (10000, 30000), (2000, 6000), 8),
            MeasureIdea(LIMIT, "Rakel-terminal för samband vid avbrott", (15000, 30000), (3000, 6000), 8, True),
        ),
    ),
    # --- Krisberedskap och höjd beredskap
    RiskIdea(
        "crisis-preparedness",
        "Långvarigt elavbrott",
        "Ett elavbrott i mer än ett dygn slår ut värme, kök, larm och hissar.",
        "Ficklampor och batteriradio finns. Ingen reservkraft.",
        _w("care", "technical", "fire_station", "school", "home_care", "waterworks"),
        (2, 3),
        {"operations": (3, 4), "people": (2, 4), "economy": (1, 2)},
        (
            MeasureIdea(
                LIMIT, "Reservkraftaggregat med fast anslutningspunkt", (150000, 600000), (5000, 15000), 25, True
            ),
            MeasureIdea(LIMIT, "Plan för att flytta de boende vid längre avbrott", (0, 0), (0, 5000), 2, True),
            MeasureIdea(PREVENT, "Provstart av reservkraften varje månad", (0, 0), (2000, 6000), 1),
        ),
        weight=1.5,
    ),
    RiskIdea(
        "crisis-preparedness",
        "Störning i dricksvattenförsörjningen",
        "Förorenat eller inget kranvatten i flera dagar.",
        "Kommunens plan för nödvatten.",
        _w("care", "preschool", "school", "waterworks", "meals"),
        (1, 3),
        {"people": (2, 3), "operations": (2, 4)},
        (
            MeasureIdea(LIMIT, "Nödvattenförråd för tre dygn", (5000, 20000), (0, 2000), 5, True),
            MeasureIdea(LIMIT, "Överenskommelse om leverans av vatten i tankbil", (0, 0), (0, 3000), 2, True),
        ),
    ),
    RiskIdea(
        "crisis-preparedness",
        "Hög sjukfrånvaro vid pandemi eller influensa",
        "En stor del av personalen är sjuk samtidigt och verksamheten kan inte bemannas.",
        "Vikariepool inom förvaltningen.",
        _w("care", "home_care", "preschool", "school", "fire_station"),
        (2, 3),
        {"operations": (2, 4), "people": (1, 3)},
        (
            MeasureIdea(LIMIT, "Kontinuitetsplan för bemanning vid hög frånvaro", (0, 0), (0, 5000), 2, True),
            MeasureIdea(PREVENT, "Lager av skyddsutrustning för fyra veckor", (20000, 60000), (2000, 6000), 5),
        ),
    ),
    RiskIdea(
        "crisis-preparedness",
        "Cyberangrepp som slår ut verksamhetssystemen",
        "Ett utpressningsvirus krypterar filer och system; verksamheten står still i flera dagar.",
        "Säkerhetskopiering sköts centralt av IT-avdelningen.",
        _w("office", "technical", "social", "central_office"),
        (2, 3),
        {"operations": (3, 5), "economy": (2, 4)},
        (
            MeasureIdea(LIMIT, "Reservrutiner och övning vid långvarigt IT-avbrott", (0, 0), (10000, 30000), 2, True),
            MeasureIdea(
                PREVENT,
                "Säkerhetskopior som förvaras åtskilt och provas varje kvartal",
                (50000, 150000),
                (10000, 30000),
                5,
            ),
        ),
        future=True,
    ),
    RiskIdea(
        "crisis-preparedness",
        "Inga ersättningslokaler efter brand eller vattenskada",
        "Efter en större skada finns ingen plats där verksamheten kan fortsätta.",
        "Ingen plan finns.",
        _w("preschool", "school", "care"),
        (1, 2),
        {"operations": (3, 4), "economy": (2, 3)},
        (
            MeasureIdea(
                LIMIT, "Överenskommelse om ersättningslokaler med fastighetsavdelningen", (0, 0), (0, 2000), 3, True
            ),
        ),
        weight=0.8,
    ),
    # --- Attityder och beteenden
    RiskIdea(
        "attitudes",
        "Tillbud och incidenter rapporteras inte",
        "Personalen ser inte nyttan med att rapportera, eller vet inte hur man gör.",
        "Rapportering sker i Värna. Chefen påminner vid arbetsplatsträffar.",
        EVERYWHERE,
        (3, 4),
        {"operations": (1, 2), "people": (1, 2)},
        (
            MeasureIdea(PREVENT, "Genomgång av rapporterade händelser på varje arbetsplatsträff", (0, 0), (0, 2000), 1),
            MeasureIdea(
                PREVENT, "Introduktion i säkerhetsarbetet för nyanställda och vikarier", (0, 0), (3000, 8000), 2
            ),
        ),
        weight=0.8,
    ),
    RiskIdea(
        "attitudes",
        "Dörrar ställs upp och lämnas olåsta",
        "Ytterdörrar och branddörrar ställs upp för att det är bekvämt, och glöms öppna.",
        "Skyltar på dörrarna.",
        _w("school", "preschool", "care", "office", "culture"),
        (3, 5),
        {"property": (1, 2), "people": (1, 3)},
        (
            MeasureIdea(PREVENT, "Dörrlarm som ljuder när en dörr står öppen", (15000, 50000), (0, 1000), 10),
            MeasureIdea(PREVENT, "Information och påminnelser till personalen", (0, 0), (0, 1000), 1),
        ),
    ),
    # --- Försäkringar
    RiskIdea(
        "insurance",
        "Egendom som inte är försäkrad",
        "Inlånad och hyrd utrustning, konst och instrument omfattas inte av kommunens försäkring.",
        "Försäkringsskyddet gås igenom vid upphandling.",
        _w("culture", "school", "technical", "upper_secondary"),
        (2, 3),
        {"economy": (1, 3)},
        (
            MeasureIdea(PREVENT, "Genomgång av försäkringsskyddet med försäkringsmäklaren", (0, 0), (0, 3000), 1),
            MeasureIdea(LIMIT, "Tilläggsförsäkring för inlånad egendom", (0, 0), (5000, 20000), 1),
        ),
        weight=0.7,
    ),
    RiskIdea(
        "insurance",
        "Höga självriskkostnader vid upprepade skador",
        "Samma typ av skada återkommer och varje skada belastar enheten med självrisken.",
        "Skadorna anmäls till säkerhetssamordnaren.",
        _w("housing", "school", "preschool", "culture"),
        (3, 4),
        {"economy": (1, 2)},
        (MeasureIdea(PREVENT, "Skadeförebyggande åtgärder med medel ur självriskfonden", (20000, 80000), (0, 0), 10),),
        weight=0.7,
    ),
)

TRIGGER_TITLES = {
    "yearly": (
        "Årlig riskanalys {year}",
        "Riskinventering {year}",
        "Riskanalys i samband med skyddsronden {year}",
        "Grovanalys av verksamhetens risker {year}",
    ),
    "damage": ("Riskanalys efter {what} i {month} {year}", "Händelseanalys och riskbedömning efter {what} {year}"),
    "premises": (
        "Riskanalys inför ombyggnad av {facility}",
        "Riskanalys inför ändrad användning av {facility}",
        "Riskanalys inför inflyttning i {facility}",
    ),
    "technical_protection": (
        "Riskanalys inför installation av inbrottslarm i {facility}",
        "Riskanalys inför nytt passersystem i {facility}",
        "Riskanalys inför kameraövervakning vid {facility}",
    ),
    "other": ("Riskanalys inför sommarverksamheten {year}", "Riskanalys av ny verksamhet {year}"),
}

SCOPES = {
    "yearly": (
        "Analysen omfattar enhetens verksamhet, lokaler och utemiljö samt personalens arbete i och utanför lokalerna.",
        "Årlig genomgång av enhetens risker, samordnad med arbetsmiljöronden. Förra årets åtgärder följs upp.",
        "Verksamhetens risker för personal, brukare och egendom inom de valda säkerhetsområdena.",
    ),
    "damage": (
        "Analysen görs efter händelse {number} den {date} och omfattar orsakerna och liknande risker på enheten.",
        "Med anledning av {what} den {date} ({number}) ses risker och skydd inom samma område över.",
    ),
    "premises": (
        "Riskerna under och efter byggarbetet i {facility}: brand, inbrott, utrymning och arbetsmiljö.",
        "Hur verksamheten påverkas när {facility} byggs om eller används på nytt sätt.",
    ),
    "technical_protection": (
        "Vilket skydd {facility} behöver, så att installationen ger effekt för kostnaden (K8).",
        "Hotbild och skyddsbehov för {facility} inför beslut om tekniskt skydd.",
    ),
    "other": ("Riskerna i en verksamhet som startar eller förändras under året.",),
}

METHODS = (
    "Grovanalys enligt kommunens mall",
    "Grovanalys vid arbetsplatsträff",
    "Riskinventering med checklista och riskmatris 5×5",
    "Scenarioanalys (vad händer om ...)",
    "Grovanalys i samband med arbetsmiljöronden",
    "Workshop med personal och skyddsombud",
)

OTHER_PARTICIPANTS = (
    "Skyddsombud",
    "Fastighetsförvaltare från Fastighetsavdelningen",
    "Säkerhetshandläggare från förvaltningen",
    "Brandinspektör från räddningstjänsten",
    "IT-samordnare",
    "Representant för brukarrådet",
    "Elevskyddsombud",
)

RATIONALES = (
    "Bedömd utifrån händelser de senaste tre åren och personalens erfarenheter.",
    "Bedömd vid arbetsplatsträff tillsammans med skyddsombudet.",
    "Liknande händelser har inträffat på andra enheter i kommunen.",
    "Inga kända händelser, men konsekvenserna kan bli stora.",
    "Bedömningen bygger på skyddsrondens iakttagelser.",
)

FINANCING = {
    "small": ("Inom enhetens budget", "Inom enhetens driftbudget", "Ingen kostnad utöver arbetstid"),
    "medium": (
        "Inom enhetens budget",
        "Förvaltningens medel för arbetsmiljö",
        "Självriskfonden (förebyggande medel)",
        "Fastighetsavdelningens underhållsbudget",
    ),
    "large": (
        "Förvaltningens investeringsbudget",
        "Fastighetsavdelningens underhållsplan",
        "Söks i budgetprocessen",
        "Självriskfonden (förebyggande medel)",
    ),
}

MONTHS = (
    "januari",
    "februari",
    "mars",
    "april",
    "maj",
    "juni",
    "juli",
    "augusti",
    "september",
    "oktober",
    "november",
    "december",
)
