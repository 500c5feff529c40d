"""Swedish words the demo generator combines into names: people, places, streets and units.

Only data lives here. The lists are fixed and ordered: the generator draws from
them with its own seeded random generator, so the same seed gives the same names.
"""

from __future__ import annotations

import unicodedata

# fmt: off
FEMALE_FIRST_NAMES = [
    "Anna", "Eva", "Maria", "Karin", "Sara", "Kristina", "Lena", "Emma", "Kerstin", "Ingrid",
    "Marie", "Malin", "Jenny", "Hanna", "Linda", "Annika", "Susanne", "Elin", "Monica", "Birgitta",
    "Sofia", "Ulla", "Johanna", "Camilla", "Carina", "Helena", "Elisabeth", "Åsa", "Therese", "Julia",
    "Ida", "Anneli", "Ebba", "Frida", "Louise", "Cecilia", "Jessica", "Matilda", "Maja", "Moa",
    "Amanda", "Lisa", "Lovisa", "Klara", "Alva", "Elsa", "Wilma", "Alice", "Agnes", "Astrid",
    "Ylva", "Katarina", "Margareta", "Gunilla", "Pia", "Petra", "Annelie", "Caroline", "Emelie", "Josefin",
    "Sanna", "Tove", "Linnea", "Ronja", "Stina", "Mia", "Nina", "Lotta", "Charlotte", "Anette",
    "Fatima", "Amina", "Maryam", "Leila", "Yasmin", "Sanaa", "Aisha", "Zeynep", "Hodan", "Nour",
    "Elena", "Natalia", "Agnieszka", "Mirela", "Jasmina", "Tiina", "Paula", "Ingela", "Britt", "Siv",
    "Anna-Karin", "Eva-Lena", "Ann-Sofie", "Mari", "Rebecka", "Viktoria", "Hedda", "Saga", "Tilda", "Vera",
]

MALE_FIRST_NAMES = [
    "Lars", "Anders", "Johan", "Per", "Erik", "Karl", "Peter", "Thomas", "Jan", "Daniel",
    "Fredrik", "Mikael", "Hans", "Andreas", "Stefan", "Mats", "Magnus", "Bengt", "Marcus", "Niklas",
    "Martin", "Jonas", "Mattias", "Henrik", "Björn", "Ulf", "Patrik", "Joakim", "David", "Christer",
    "Oskar", "Gustav", "Viktor", "Emil", "Alexander", "Simon", "Sebastian", "Filip", "Jakob", "Axel",
    "Anton", "Ludvig", "Elias", "Hugo", "Oliver", "William", "Lucas", "Isak", "Adam", "Leo",
    "Göran", "Roger", "Kjell", "Leif", "Sven", "Åke", "Bo", "Rolf", "Tommy", "Ola",
    "Robert", "Tobias", "Jonathan", "Rasmus", "Kristoffer", "Pontus", "Olle", "Nils", "Arvid", "Hampus",
    "Mohammed", "Ahmed", "Ali", "Hassan", "Omar", "Yusuf", "Ibrahim", "Mustafa", "Karim", "Abdi",
    "Mehmet", "Dragan", "Goran", "Piotr", "Tomasz", "Juha", "Mikko", "Ivan", "Nikola", "Reza",
    "Jan-Erik", "Per-Olof", "Carl", "Måns", "Torbjörn", "Gunnar", "Arne", "Ingemar", "Kent", "Lennart",
]

LAST_NAMES = [
    "Andersson", "Johansson", "Karlsson", "Nilsson", "Eriksson", "Larsson", "Olsson", "Persson", "Svensson",
    "Gustafsson", "Pettersson", "Jonsson", "Jansson", "Hansson", "Bengtsson", "Jönsson", "Lindberg", "Jakobsson",
    "Magnusson", "Olofsson", "Lindström", "Lindqvist", "Lindgren", "Berg", "Axelsson", "Bergström", "Lundberg",
    "Lind", "Lundgren", "Lundqvist", "Mattsson", "Berglund", "Fredriksson", "Sandberg", "Henriksson", "Forsberg",
    "Sjöberg", "Wallin", "Engström", "Eklund", "Danielsson", "Lundin", "Håkansson", "Björk", "Bergman",
    "Gunnarsson", "Holm", "Wikström", "Samuelsson", "Isaksson", "Fransson", "Bergqvist", "Nyström", "Holmberg",
    "Arvidsson", "Löfgren", "Söderberg", "Nyberg", "Blomqvist", "Claesson", "Nordström", "Mårtensson",
    "Lundström", "Viklund", "Björklund", "Eliasson", "Pålsson", "Berggren", "Sandström", "Lund", "Nordin",
    "Ström", "Åberg", "Falk", "Ekström", "Hermansson", "Holmgren", "Hellström", "Dahlberg", "Hedlund",
    "Sundberg", "Sjögren", "Ek", "Blom", "Abrahamsson", "Martinsson", "Öberg", "Andreasson", "Strömberg",
    "Månsson", "Åkesson", "Dahl", "Lindholm", "Norberg", "Holmqvist", "Sundström", "Ahlström", "Nordqvist",
    "Lindén", "Wiklund", "Eriksson Lind", "Göransson", "Jakobsen", "Hedberg", "Nordlund", "Backman", "Engberg",
    "Lindahl", "Nygren", "Strand", "Sjöström", "Lundell", "Ekholm", "Hägglund", "Östlund", "Törnqvist",
    "Wallén", "Boström", "Rydberg", "Ivarsson", "Ottosson", "Karlström", "Edlund", "Granberg", "Palm",
    "Ali", "Mohamed", "Ahmed", "Hassan", "Hussein", "Yilmaz", "Nguyen", "Kaya", "Omar", "Abdullahi",
    "Nowak", "Kowalski", "Jovanović", "Petrović", "Korhonen", "Virtanen", "Mäkinen", "Rahimi", "Haddad",
    "Khalil", "Popović", "Novak", "Horvat", "Hadžić", "Demir", "Said", "Aziz", "Rashid", "Karimi",
]

# City districts: the generator names areas, hemtjänst groups and libraries after them.
DISTRICTS = [
    "Norr", "Söder", "Öster", "Väster", "Ekbacken", "Björkhagen", "Sjöstaden", "Hagaby", "Lindbacka",
    "Tallåsen", "Ängsvik", "Bergsjö", "Kvarnby", "Skogslund", "Strandvik", "Åkerby", "Mossen", "Ljungdalen",
    "Rönnäs", "Hamnen", "Kyrkbyn", "Solbacken", "Granlunda", "Vallby", "Lövsta", "Norrmalm", "Södermalm",
    "Östermalm", "Västermalm", "Brunnsby", "Holmen", "Dalby", "Forsby", "Näset", "Stensjö", "Lillå",
]
CENTRE = "Centrum"

# Genitive words for preschools: "Solrosens förskola".
PRESCHOOL_WORDS = [
    "Solrosens", "Blåklockans", "Prästkragens", "Vitsippans", "Liljekonvaljens", "Smörblommans", "Maskrosens",
    "Klöverns", "Lingonets", "Blåbärets", "Smultronets", "Hallonets", "Ekorrens", "Igelkottens", "Myrstackens",
    "Nyckelpigans", "Fjärilens", "Trollskogens", "Regnbågens", "Stjärnans", "Månens", "Ugglans", "Rävens",
    "Björnens", "Lärkans", "Svalans", "Tranans", "Kottens", "Mossans", "Vallmons", "Tussilagons", "Kastanjens",
    "Rönnbärets", "Snäckans", "Bäckens", "Ängens", "Lönnens", "Almens", "Humlans", "Sparvens",
]

# Stems for compulsory schools: "Ekbackeskolan".
SCHOOL_STEMS = [
    "Ekbacke", "Björkhaga", "Tallås", "Lindbacka", "Sjövik", "Ängsbacka", "Bergs", "Haga", "Kvarnbacka",
    "Skogslund", "Rönnbäcks", "Granbacka", "Hamn", "Åkerby", "Kyrkbacks", "Solbacka", "Vallby", "Mossby",
    "Strand", "Park", "Fågelsångs", "Kullerstens", "Ljungby", "Lövängs", "Klockar", "Tegelbruks", "Stenhags",
    "Nyby", "Backa", "Sunnerby",
]

# Stems for care homes: "Solgårdens vård- och omsorgsboende".
CARE_HOME_STEMS = [
    "Sol", "Lind", "Björk", "Ek", "Rosen", "Ängs", "Sjö", "Hag", "Ljung", "Lönn", "Asp", "Al", "Berg",
    "Fridhems", "Syren", "Hassel", "Rönn", "Gran", "Sälg", "Tall",
]

YOUTH_CENTRE_NAMES = [
    "Tegelbruket", "Kvarnen", "Stationen", "Ladan", "Bryggan", "Källaren", "Pulsen", "Navet", "Oasen",
    "Kompassen", "Fyren", "Smedjan", "Hangaren", "Magasinet", "Verket",
]

DAILY_ACTIVITY_NAMES = [
    "Verkstan", "Ateljén", "Trädgården", "Caféet", "Snickeriet", "Vävstugan", "Återbruket", "Stallet",
]

SOCIAL_UNIT_KINDS = [
    "Familjecentralen", "Öppenvården", "Boendestöd", "Stödboendet", "Fältgruppen", "Familjebehandling",
]

SPORTS_KINDS = ["Sporthallen", "Idrottsplatsen", "Ishallen", "Simhallen"]

WATER_KINDS = ["Vattenverket", "Avloppsreningsverket", "Tryckstegringsstationen"]

STREET_STEMS = [
    "Stor", "Kyrko", "Skol", "Ek", "Björk", "Lind", "Tall", "Gran", "Ängs", "Åker", "Kvarn", "Berg", "Sjö",
    "Strand", "Park", "Hamn", "Torg", "Väster", "Öster", "Norr", "Söder", "Mölle", "Smedje", "Bruks",
    "Järnvägs", "Prästgårds", "Rådhus", "Trädgårds", "Rosen", "Syren", "Hassel", "Lönn", "Alm", "Asp",
    "Rönn", "Fläder", "Hägg", "Ljung", "Tegel", "Garvare",
]
STREET_SUFFIXES = ["gatan", "vägen", "stigen", "gränd", "backen", "allén"]

# Further fictional municipalities are named from these parts: "Norrby kommun".
MUNICIPALITY_PREFIXES = [
    "Norr", "Söder", "Öster", "Väster", "Sjö", "Berg", "Skog", "Äng", "Lind", "Ek", "Björk", "Gran", "Hag",
    "Ås", "Dal", "Holm", "Vik", "Strand", "Mo", "Sten", "Rönn", "Tall", "Kvarn", "Bäck", "Fors",
]
MUNICIPALITY_SUFFIXES = [
    "by", "å", "åsa", "vik", "holm", "dala", "berga", "lunda",
    "fors", "hamra", "sjö", "torp", "näs", "backa", "ryd", "hult",
]

# fmt: on


def ascii_slug(text: str) -> str:
    """``Åsa Öberg-Lind`` → ``asa-oberg-lind``: for user names, e-mail addresses and slugs."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii").lower()
    return "-".join(part for part in plain.replace("-", " ").split())


def streets() -> list[str]:
    """Every street name the parts make, in a fixed order."""
    return [f"{stem}{suffix}" for suffix in STREET_SUFFIXES for stem in STREET_STEMS]


def municipality_names() -> list[str]:
    """Fictional municipality names in a fixed order, Grannby first."""
    names = ["Grannby"]
    for suffix in MUNICIPALITY_SUFFIXES:
        for prefix in MUNICIPALITY_PREFIXES:
            name = f"{prefix}{suffix}"
            if name not in names and name != "Exempelkommun":
                names.append(name)
    return names
