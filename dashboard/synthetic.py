"""Synthetic incident tables over real sites in Iraq, Syria and Jordan, for tests and benchmarks."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from dashboard.schema import ARTICLE_COLUMNS, INCIDENT_COLUMNS, REPORT_COLUMNS, REPORT_DTYPES

# (name, latitude, longitude, admin1, country, iso3): publicly reported positions of bases, airports
# and towns that appear in reporting on attacks against military sites.
SITES: tuple[tuple[str, float, float, str, str, str], ...] = (
    ("Ain al-Asad Air Base", 33.786, 42.441, "Al Anbar", "Iraq", "IRQ"),
    ("Baghdad International Airport", 33.263, 44.235, "Baghdad", "Iraq", "IRQ"),
    ("Harir Air Base", 36.537, 44.345, "Erbil", "Iraq", "IRQ"),
    ("Erbil International Airport", 36.238, 43.963, "Erbil", "Iraq", "IRQ"),
    ("Baghdad", 33.315, 44.366, "Baghdad", "Iraq", "IRQ"),
    ("Erbil", 36.191, 44.009, "Erbil", "Iraq", "IRQ"),
    ("Balad Air Base", 33.940, 44.361, "Salah ad Din", "Iraq", "IRQ"),
    ("Taji", 33.523, 44.257, "Baghdad", "Iraq", "IRQ"),
    ("Al-Qaim", 34.368, 41.094, "Al Anbar", "Iraq", "IRQ"),
    ("Mosul", 36.340, 43.130, "Ninawa", "Iraq", "IRQ"),
    ("Kirkuk", 35.468, 44.392, "Kirkuk", "Iraq", "IRQ"),
    ("Sulaymaniyah", 35.557, 45.435, "As Sulaymaniyah", "Iraq", "IRQ"),
    ("Basra", 30.508, 47.783, "Al Basrah", "Iraq", "IRQ"),
    ("Jurf al-Sakhar", 32.883, 44.117, "Babil", "Iraq", "IRQ"),
    ("Al-Tanf Garrison", 33.491, 38.618, "Homs", "Syria", "SYR"),
    ("Conoco gas field", 35.327, 40.297, "Deir ez-Zor", "Syria", "SYR"),
    ("Al-Omar oil field", 35.083, 40.547, "Deir ez-Zor", "Syria", "SYR"),
    ("Rumalyn Landing Zone", 36.866, 42.050, "Al-Hasakah", "Syria", "SYR"),
    ("Shaddadi", 36.055, 40.730, "Al-Hasakah", "Syria", "SYR"),
    ("Al-Malikiyah", 37.177, 42.140, "Al-Hasakah", "Syria", "SYR"),
    ("Deir ez-Zor", 35.336, 40.141, "Deir ez-Zor", "Syria", "SYR"),
    ("Al-Bukamal", 34.453, 40.918, "Deir ez-Zor", "Syria", "SYR"),
    ("Mayadin", 35.018, 40.451, "Deir ez-Zor", "Syria", "SYR"),
    ("Damascus", 33.513, 36.292, "Damascus", "Syria", "SYR"),
    ("Tower 22", 33.320, 38.700, "Al-Mafraq", "Jordan", "JOR"),
    ("Muwaffaq Salti Air Base", 32.356, 36.782, "Az-Zarqa", "Jordan", "JOR"),
)
EVENT_TYPES: dict[str, tuple[str, ...]] = {
    "Explosions/Remote violence": ("Shelling/artillery/missile attack", "Air/drone strike", "Remote explosive"),
    "Battles": ("Armed clash",),
}
WEAPON_CHOICES: tuple[str, ...] = ("drone", "rocket", "mortar", "ballistic missile", "airstrike", "IED", "unknown")
ACTORS: tuple[str, ...] = (
    "Islamic Resistance in Iraq",
    "Kataib Hezbollah",
    "Harakat al-Nujaba",
    "unknown",
    "United States",
)
OUTCOME_CHOICES: tuple[str, ...] = ("impact", "intercepted", "unknown")


@dataclass
class SyntheticTables:
    """Articles, reports and incidents shaped like pipeline.Tables (duck-typed stand-in)."""

    articles: pd.DataFrame
    reports: pd.DataFrame
    incidents: pd.DataFrame
    problems: list = field(default_factory=list)
    orphans: list = field(default_factory=list)


def _typed(df: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    """Return df with the given column order and schema dtypes applied."""
    df = df[columns].copy()
    for column in columns:
        if column in REPORT_DTYPES:
            df[column] = df[column].astype(REPORT_DTYPES[column])
    return df


def synthetic_incidents(n: int, seed: int = 0, start: str = "2023-10-17", days: int = 540) -> pd.DataFrame:
    """Return n synthetic incidents (INCIDENT_COLUMNS, schema dtypes) spread over realistic sites."""
    rng = np.random.default_rng(seed)
    site_weights = rng.pareto(1.2, len(SITES)) + 0.2
    site_idx = rng.choice(len(SITES), size=n, p=site_weights / site_weights.sum())
    sites = pd.DataFrame(SITES, columns=["location", "latitude", "longitude", "admin1", "country", "iso3"])
    df = sites.iloc[site_idx].reset_index(drop=True)
    dates = pd.Timestamp(start) + pd.to_timedelta(rng.integers(0, days, n), unit="D")
    event_dates = dates.strftime("%Y-%m-%d")
    article_dates = (dates + pd.to_timedelta(rng.integers(0, 3, n), unit="D")).strftime("%Y-%m-%d")
    types = list(EVENT_TYPES)
    event_type = rng.choice(types, size=n, p=[0.9, 0.1])
    sub = [EVENT_TYPES[t][k % len(EVENT_TYPES[t])] for t, k in zip(event_type, rng.integers(0, 3, n), strict=True)]
    weapon = rng.choice(WEAPON_CHOICES, size=n, p=[0.35, 0.3, 0.05, 0.05, 0.1, 0.05, 0.1])
    n_sources = rng.integers(1, 4, n)
    article_pool = max(1, n // 3)
    first_article = rng.integers(0, article_pool, n)
    df["incident_id"] = [f"I{seed:02d}{i:07d}" for i in range(n)]
    df["source_file"] = [f"synthetic/{a:07d}.txt" for a in first_article]
    df["article_date"] = article_dates
    df["event_date"] = np.where(rng.random(n) < 0.9, event_dates, "")
    df["time_precision"] = np.where(df["event_date"] == "", 3, 1)
    df["event_type"] = event_type
    df["sub_event_type"] = sub
    df["weapon"] = weapon
    df["actor"] = rng.choice(ACTORS, size=n)
    df["claimed"] = rng.random(n) < 0.4
    df["target"] = "military base"
    df["outcome"] = rng.choice(OUTCOME_CHOICES, size=n, p=[0.5, 0.3, 0.2])
    fatalities = pd.array(rng.poisson(0.2, n), dtype="Int64")
    fatalities[rng.random(n) < 0.5] = pd.NA
    df["fatalities"] = fatalities
    df["injured"] = pd.array(rng.poisson(0.8, n), dtype="Int64")
    df["place_mention"] = df["location"]
    df["geo_precision"] = rng.choice([1, 2, 3], size=n, p=[0.8, 0.15, 0.05])
    df["geo_source"] = "curated"
    df["evidence"] = [f"A {w} attack targeted {loc}." for w, loc in zip(weapon, df["location"], strict=True)]
    df["evidence_start"] = 0
    df["evidence_end"] = df["evidence"].str.len()
    df["confidence"] = rng.uniform(0.5, 1.0, n).round(2)
    df["n_sources"] = n_sources
    df["sources"] = [
        ";".join(f"A{(a + k) % article_pool:07d}" for k in range(s))
        for a, s in zip(first_article, n_sources, strict=True)
    ]
    df["first_reported"] = df["article_date"]
    df["corrected"] = False
    return _typed(df, INCIDENT_COLUMNS)


def synthetic_articles(incidents: pd.DataFrame) -> pd.DataFrame:
    """Return one article per article id named in the incidents' sources, quoting their evidence."""
    pairs = incidents[["incident_id", "sources", "evidence", "article_date"]].copy()
    pairs["article_id"] = pairs["sources"].str.split(";")
    pairs = pairs.explode("article_id")
    grouped = pairs.groupby("article_id", sort=True).agg(
        text=("evidence", " ".join), published=("article_date", "min")
    )
    articles = grouped.reset_index()
    articles["source_file"] = "synthetic/" + articles["article_id"].str[1:] + ".txt"
    articles["title"] = "Synthetic report " + articles["article_id"]
    articles["url"] = ""
    articles["source"] = "synthetic"
    return articles[ARTICLE_COLUMNS].astype("string")


def synthetic_reports(incidents: pd.DataFrame) -> pd.DataFrame:
    """Return one report per (incident, source article) with the incident's fields."""
    reports = incidents.copy()
    reports["article_id"] = reports["sources"].str.split(";")
    reports = reports.explode("article_id").reset_index(drop=True)
    reports["report_id"] = reports["incident_id"] + "-" + reports.groupby("incident_id").cumcount().astype(str)
    return _typed(reports, REPORT_COLUMNS)


def synthetic_tables(n: int, seed: int = 0) -> SyntheticTables:
    """Return consistent synthetic articles, reports and incidents with n incidents."""
    incidents = synthetic_incidents(n, seed)
    return SyntheticTables(synthetic_articles(incidents), synthetic_reports(incidents), incidents)
