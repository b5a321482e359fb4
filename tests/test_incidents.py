"""Grouping reports of one real-world incident across articles, and resolving the incident's fields."""

from __future__ import annotations

import pandas as pd

from dashboard.incidents import assign_incidents, dates_compatible, summarize_incidents, weapons_compatible
from dashboard.schema import REPORT_COLUMNS, REPORT_DTYPES

ASAD = ("Ain al-Asad Air Base", 33.786, 42.441)
HARIR = ("Harir Air Base", 36.537, 44.345)


def report(n: int, article: str, place=ASAD, event_date="2024-01-20", precision=1, weapon="ballistic missile",
           fatalities=None, injured=None, article_date="2024-01-21", geo_precision=1) -> dict:
    """Return one report row with the schema's columns."""
    row = {c: None for c in REPORT_COLUMNS}
    row.update(
        report_id=f"r{n}", incident_id="", article_id=article, source_file=f"{article}.txt",
        article_date=article_date, event_date=event_date, time_precision=precision, weapon=weapon,
        event_type="Explosions/Remote violence", sub_event_type="Shelling/artillery/missile attack",
        actor="", claimed=False, target="", outcome="impact", fatalities=fatalities, injured=injured,
        location=place[0], place_mention=place[0], admin1="", country="Iraq", iso3="IRQ",
        latitude=place[1], longitude=place[2], geo_precision=geo_precision, geo_source="curated",
        evidence=f"sentence {n}", evidence_start=0, evidence_end=10, confidence=0.8,
    )
    return row


def table(rows: list[dict]) -> pd.DataFrame:
    """Return a typed report table."""
    return pd.DataFrame(rows, columns=REPORT_COLUMNS).astype({c: REPORT_DTYPES[c] for c in REPORT_COLUMNS})


def test_same_event_from_three_articles_is_one_incident():
    reports = assign_incidents(table([
        report(1, "a", injured=2),
        report(2, "b", weapon="rocket", injured=4, article_date="2024-01-22"),
        report(3, "c", event_date="2024-01-22", precision=3, weapon="unknown", article_date="2024-01-22",
               geo_precision=2),
    ]))
    assert reports["incident_id"].nunique() == 1
    incidents = summarize_incidents(reports)
    row = incidents.iloc[0]
    assert row["n_sources"] == 3
    assert row["sources"] == "a;b;c"
    assert row["event_date"] == "2024-01-20" and row["time_precision"] == 1
    assert row["injured"] == 4 and row["injured_report"] == "r2"
    assert pd.isna(row["fatalities"])
    assert row["first_reported"] == "2024-01-21"
    assert row["geo_precision"] == 1


def test_same_base_on_different_days_stays_apart():
    reports = assign_incidents(table([
        report(1, "a", event_date="2024-07-16", article_date="2024-07-17", weapon="rocket"),
        report(2, "b", event_date="2024-08-05", article_date="2024-08-06", weapon="rocket"),
    ]))
    assert reports["incident_id"].nunique() == 2


def test_different_places_and_incompatible_weapons_stay_apart():
    reports = assign_incidents(table([
        report(1, "a"), report(2, "b", place=HARIR), report(3, "c", weapon="IED"),
    ]))
    assert reports["incident_id"].nunique() == 3


def test_two_reports_of_one_article_never_merge():
    reports = assign_incidents(table([report(1, "a"), report(2, "a", event_date="2024-01-20")]))
    assert reports["incident_id"].nunique() == 2


def test_incident_ids_are_stable_across_runs_and_order():
    rows = [report(1, "a"), report(2, "b"), report(3, "c", place=HARIR)]
    first = assign_incidents(table(rows)).set_index("report_id")["incident_id"]
    second = assign_incidents(table(rows[::-1])).set_index("report_id")["incident_id"]
    assert first.sort_index().tolist() == second.sort_index().tolist()


def test_compatibility_rules():
    day = {"event_date": "2024-01-20", "time_precision": 1}
    assert dates_compatible(day, {"event_date": "2024-01-25", "time_precision": 3})
    assert not dates_compatible(day, {"event_date": "2024-01-21", "time_precision": 1})
    assert not dates_compatible(day, {"event_date": "2024-03-25", "time_precision": 3})
    assert weapons_compatible("rocket", "ballistic missile")
    assert weapons_compatible("unknown", "drone")
    assert not weapons_compatible("drone", "rocket")


def test_sample_corpus_groups_repeated_incidents(corpus_scores):
    """Reports of one event in several sample articles share an incident; other events never join it."""
    metrics = corpus_scores.metrics()
    assert metrics["dedup pair precision"] >= 0.95, metrics
    assert metrics["dedup pair recall"] >= 0.8, metrics
    by_key: dict[str, set[str]] = {}
    for key, incident in corpus_scores.pairs:
        by_key.setdefault(key, set()).add(incident)
    tower = by_key["2024-01-28_tower-22_drone"]
    assert len(tower) == 1  # reported by many articles over several days: one incident


def test_sample_corpus_keeps_attacks_on_one_base_on_different_days_apart(corpus_scores):
    by_key: dict[str, set[str]] = {}
    for key, incident in corpus_scores.pairs:
        by_key.setdefault(key, set()).add(incident)
    asad = [k for k in by_key if "ain-al-asad" in k and k.startswith("2024-0")]
    assert {"2024-07-16", "2024-08-05"} <= {k[:10] for k in asad}
    july, august = (set().union(*(by_key[k] for k in asad if k.startswith(d))) for d in ("2024-07-16", "2024-08-05"))
    assert july and august and not (july & august)


KIRKUK = ("Kirkuk", 35.4681, 44.3922)
K1 = ("K-1 Air Base", 35.5125, 44.2842)


def test_a_report_near_a_town_joins_the_site_attack_nearby():
    reports = assign_incidents(table([
        report(1, "a", place=K1, weapon="rocket"),
        report(2, "b", place=KIRKUK, weapon="rocket", geo_precision=2),
        report(3, "c", place=KIRKUK, weapon="drone", geo_precision=2),  # another weapon family: another event
        report(4, "d", place=HARIR, weapon="rocket", geo_precision=2),  # 120 km away
    ]))
    ids = list(reports["incident_id"])
    assert ids[0] == ids[1]
    assert len({ids[0], ids[2], ids[3]}) == 3


ERBIL = ("Erbil", 36.191, 44.009)
ERBIL_AIRPORT = ("Erbil International Airport", 36.238, 43.963)


def test_a_town_and_its_airport_told_of_the_same_day_are_one_incident():
    reports = assign_incidents(table([
        report(1, "a", place=ERBIL, event_date="2021-02-15", weapon="rocket"),
        report(2, "b", place=ERBIL_AIRPORT, event_date="2021-02-15", weapon="rocket"),
        report(3, "c", place=ERBIL, event_date="2021-02-16", weapon="rocket"),  # another day
        report(4, "d", place=ERBIL_AIRPORT, event_date="2021-04-14", weapon="drone"),  # another attack
    ]))
    ids = list(reports["incident_id"])
    assert ids[0] == ids[1]
    assert len({ids[0], ids[2], ids[3]}) == 3
