"""Column names, vocabularies and small value types shared by every pipeline stage."""

from __future__ import annotations

from dataclasses import dataclass

ARTICLE_COLUMNS: list[str] = [
    "article_id",
    "source_file",
    "title",
    "published",
    "url",
    "source",
    "text",
]

REPORT_COLUMNS: list[str] = [
    "report_id",
    "incident_id",
    "article_id",
    "source_file",
    "article_date",
    "event_date",
    "time_precision",
    "event_type",
    "sub_event_type",
    "weapon",
    "actor",
    "claimed",
    "target",
    "outcome",
    "fatalities",
    "injured",
    "location",
    "place_mention",
    "admin1",
    "country",
    "iso3",
    "latitude",
    "longitude",
    "geo_precision",
    "geo_source",
    "evidence",
    "evidence_start",
    "evidence_end",
    "confidence",
]

INCIDENT_COLUMNS: list[str] = [
    c for c in REPORT_COLUMNS if c not in ("report_id", "incident_id", "article_id")
]
INCIDENT_COLUMNS = ["incident_id", *INCIDENT_COLUMNS, "n_sources", "sources", "first_reported", "corrected"]

# Column dtypes for pandas; nullable integer types keep "not stated" (NA) apart from 0.
REPORT_DTYPES: dict[str, str] = {
    "report_id": "string",
    "incident_id": "string",
    "article_id": "string",
    "source_file": "string",
    "article_date": "string",
    "event_date": "string",
    "time_precision": "Int64",
    "event_type": "string",
    "sub_event_type": "string",
    "weapon": "string",
    "actor": "string",
    "claimed": "boolean",
    "target": "string",
    "outcome": "string",
    "fatalities": "Int64",
    "injured": "Int64",
    "location": "string",
    "place_mention": "string",
    "admin1": "string",
    "country": "string",
    "iso3": "string",
    "latitude": "Float64",
    "longitude": "Float64",
    "geo_precision": "Int64",
    "geo_source": "string",
    "evidence": "string",
    "evidence_start": "Int64",
    "evidence_end": "Int64",
    "confidence": "Float64",
    "n_sources": "Int64",
    "sources": "string",
    "first_reported": "string",
    "corrected": "boolean",
}

WEAPONS: tuple[str, ...] = (
    "drone",
    "rocket",
    "mortar",
    "ballistic missile",
    "airstrike",
    "IED",
    "gunfire",
    "unknown",
)
OUTCOMES: tuple[str, ...] = ("impact", "intercepted", "unknown")

# time_precision: 1 = day, 2 = week, 3 = month or "on or before the article date".
TIME_PRECISION = {1: "day", 2: "week", 3: "month / on or before"}
# geo_precision: 1 = site or town, 2 = near / part of, 3 = region or country.
GEO_PRECISION = {1: "site or town", 2: "near / part of", 3: "region or country"}


@dataclass(frozen=True)
class Place:
    """A resolved location: canonical name, coordinates and administrative context."""

    name: str
    latitude: float
    longitude: float
    country: str
    iso3: str
    admin1: str = ""
    kind: str = "city"  # site | airport | city | admin1 | country | online
    geo_source: str = "curated"  # curated | airportsdata | geonames | nominatim
    population: int = 0


@dataclass(frozen=True)
class Mention:
    """A place name found in a text, with its character span and resolved place."""

    text: str
    start: int
    end: int
    place: Place
    demonym: bool = False  # "Syrian", "Iraqi": names the country as an adjective
