"""Tests for dashboard.aggregate: one row per place, counts per time bin."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from dashboard.aggregate import choose_freq, main_span, place_summary, swimlane_counts, timeline_counts
from dashboard.synthetic import synthetic_incidents


@pytest.fixture
def small() -> pd.DataFrame:
    """Return four incidents: three at Harir (two drones), one at Tower 22."""
    df = synthetic_incidents(4, seed=1)
    df["location"] = ["Harir Air Base", "Harir Air Base", "Harir Air Base", "Tower 22"]
    df["latitude"] = pd.array([36.537, 36.537, 36.537, 33.32], dtype="Float64")
    df["longitude"] = pd.array([44.345, 44.345, 44.345, 38.7], dtype="Float64")
    df["weapon"] = ["drone", "drone", "rocket", "drone"]
    df["event_date"] = ["2024-01-01", "2024-01-09", "", "2024-02-20"]
    df["article_date"] = ["2024-01-02", "2024-01-10", "2024-01-30", "2024-02-21"]
    df["fatalities"] = pd.array([1, pd.NA, 2, 3], dtype="Int64")
    df["injured"] = pd.array([0, 4, pd.NA, pd.NA], dtype="Int64")
    df["sources"] = ["A1", "A2;A3", "A4", "A5"]
    return df


def test_place_summary_one_row_per_place(small):
    """Each place appears once with its count, casualties, dominant weapon and dates."""
    out = place_summary(small).set_index("location")
    assert list(out.index) == ["Harir Air Base", "Tower 22"]
    harir = out.loc["Harir Air Base"]
    assert (harir["count"], harir["fatalities"], harir["injured"]) == (3, 3, 4)
    assert harir["dominant_weapon"] == "drone"
    assert (harir["first_date"], harir["latest_date"]) == ("2024-01-01", "2024-01-30")
    assert out.loc["Tower 22", "latitude"] == pytest.approx(33.32)


def test_place_summary_skips_rows_without_coordinates(small):
    """Rows with no coordinates are not drawn."""
    small["latitude"] = pd.array([None, None, None, 33.32], dtype="Float64")
    assert place_summary(small)["location"].tolist() == ["Tower 22"]


@pytest.mark.parametrize(("first", "last", "freq"), [
    ("2024-01-01", "2024-03-01", "D"), ("2024-01-01", "2025-06-01", "W"), ("2020-01-01", "2024-01-01", "M"),
    ("", "", "D"),
])
def test_choose_freq_from_span(first, last, freq):
    """Short spans bin by day, up to two years by week, longer by month."""
    assert choose_freq(first, last) == freq


def test_timeline_counts_per_bin_and_weapon(small):
    """Daily bins for a short span, counts per weapon, every incident counted once."""
    out, freq = timeline_counts(small, "weapon")
    assert freq == "D"
    assert out["count"].sum() == 4
    row = out[(out["bin"] == pd.Timestamp("2024-01-30")) & (out["weapon"] == "rocket")]
    assert row["count"].tolist() == [1] and row["places"].tolist() == ["Harir Air Base"]


def test_timeline_weekly_bins_start_monday():
    """Over a long span, bins are weeks starting on Monday."""
    df = synthetic_incidents(300, seed=2)
    out, freq = timeline_counts(df, "event_type")
    assert freq == "W"
    assert set(out["bin"].dt.day_of_week) == {0}
    assert out["count"].sum() == (df["event_date"].fillna("") + df["article_date"].fillna("") != "").sum()


def test_swimlane_top_places_and_titles(small):
    """Swimlane cells are per place and bin, with weapons listed and the first source's title."""
    cells, _ = swimlane_counts(small, {"A2": "Second report"}, top=1)
    assert set(cells["location"]) == {"Harir Air Base"}
    assert cells["count"].sum() == 3
    second = cells[cells["bin"] == pd.Timestamp("2024-01-09")].iloc[0]
    assert (second["weapons"], second["title"]) == ("drone 1", "Second report")


def test_aggregates_stay_small_for_many_incidents():
    """100k-scale inputs still give at most a few thousand points/bars."""
    df = synthetic_incidents(20_000, seed=4)
    assert len(place_summary(df)) <= 100
    assert len(timeline_counts(df)[0]) <= 3000
    assert len(swimlane_counts(df)[0]) <= 3000


def test_timeline_bars_carry_an_article_title(small):
    """Each bar names one article behind it (first source) for the hover."""
    out, _ = timeline_counts(small, "weapon", titles={"A2": "Second", "A1": "First"})
    assert out.loc[out["bin"] == pd.Timestamp("2024-01-09"), "title"].tolist() == ["Second"]
    assert out.loc[out["bin"] == pd.Timestamp("2024-01-01"), "title"].tolist() == ["First"]


def test_main_span_drops_a_stray_date():
    """With many dates, one far-off date does not stretch the span (or the bin size)."""
    dates = pd.Series(["2020-01-08"] + [f"2024-02-{d:02d}" for d in range(1, 29)] * 2)
    assert main_span(dates) == ("2024-02-01", "2024-02-28")
    assert main_span(dates.head(10)) == ("2020-01-08", "2024-02-09")
    assert main_span(pd.Series(["", ""])) == ("", "")
    df = synthetic_incidents(len(dates), seed=5).assign(event_date=dates.to_numpy())
    assert timeline_counts(df)[1] == "D"


def test_place_summary_counts_corrected_incidents(small):
    """The map marks places whose incidents an analyst corrected."""
    small["corrected"] = pd.array([True, False, True, False], dtype="boolean")
    out = place_summary(small).set_index("location")
    assert out.loc["Harir Air Base", "corrected"] == 2 and out.loc["Tower 22", "corrected"] == 0


def test_dominant_weapon_tie_goes_to_the_weapon_met_first(small):
    """A tie between weapons at one place goes to the one met first, whatever the alphabet says."""
    small["weapon"] = ["rocket", "drone", "", "drone"]
    small["location"] = ["Harir Air Base"] * 2 + ["Tower 22"] * 2
    out = place_summary(small).set_index("location")
    assert out.loc["Harir Air Base", "dominant_weapon"] == "rocket"
    assert out.loc["Tower 22", "dominant_weapon"] == "unknown"  # blank counts as "unknown", met first


def test_main_span_equals_the_sorted_definition():
    """The span read off distinct-date counts equals cutting 2% off each end of the sorted dates."""
    days = pd.date_range("2023-01-01", periods=400).strftime("%Y-%m-%d").to_numpy()
    rng = np.random.default_rng(3)
    dates = pd.Series(rng.choice(days, size=5000).tolist() + [""] * 30, dtype="string")
    known = dates[dates != ""].sort_values(ignore_index=True)
    cut = int(len(known) * 0.02)
    assert main_span(dates) == (known.iloc[cut], known.iloc[len(known) - 1 - cut])


def test_timeline_places_rank_by_count_then_first_met():
    """A bar's places: the three most frequent, ties in the order they were met; every row counted."""
    df = synthetic_incidents(6, seed=8)
    df["event_date"] = "2024-03-01"
    df["weapon"] = "drone"
    df["location"] = ["Erbil", "Taji", "Harir Air Base", "Harir Air Base", "Baghdad", "Taji"]
    out, _ = timeline_counts(df, "weapon")
    assert out[["count", "places"]].values.tolist() == [[6, "Taji, Harir Air Base, Erbil"]]
