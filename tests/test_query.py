"""Tests for dashboard.query: filters applied to a table and mirrored to URL parameters."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from dashboard.query import Filters, apply_filters, effective_dates, filters_from_params, filters_to_params
from dashboard.synthetic import synthetic_articles, synthetic_incidents


@pytest.fixture(scope="module")
def incidents() -> pd.DataFrame:
    """Return 400 synthetic incidents."""
    return synthetic_incidents(400, seed=3)


def test_default_filters_return_the_table_unchanged(incidents):
    """No filter set: the very same rows come back."""
    assert apply_filters(incidents, Filters()) is incidents
    assert apply_filters(incidents, Filters(view="reports")) is incidents


def test_list_filters_combine_with_and_between_fields_or_within(incidents):
    """Values of one field are alternatives; different fields must all hold."""
    f = Filters(places=("Harir Air Base", "Tower 22"), weapons=("drone",))
    out = apply_filters(incidents, f)
    assert len(out) > 0
    assert set(out["location"]) <= {"Harir Air Base", "Tower 22"}
    assert set(out["weapon"]) == {"drone"}
    expected = incidents[incidents["location"].isin(f.places) & (incidents["weapon"] == "drone")]
    assert out.index.equals(expected.index)


def test_dates_use_event_date_else_article_date(incidents):
    """Undated events fall back to their article date; the range is inclusive."""
    df = incidents.head(3).copy()
    df["event_date"] = ["2024-01-01", "", "2024-03-01"]
    df["article_date"] = ["2024-01-02", "2024-02-01", "2024-03-02"]
    assert effective_dates(df).tolist() == ["2024-01-01", "2024-02-01", "2024-03-01"]
    out = apply_filters(df, Filters(date_from=date(2024, 2, 1), date_to=date(2024, 3, 1)))
    assert out["article_date"].tolist() == ["2024-02-01", "2024-03-02"]


def test_undated_rows_fail_a_date_filter(incidents):
    """A row with no date at all is not inside any date range."""
    df = incidents.head(2).copy()
    df["event_date"], df["article_date"] = ["", "2024-05-05"], ["", "2024-05-05"]
    assert len(apply_filters(df, Filters(date_to=date(2030, 1, 1)))) == 1
    assert len(apply_filters(df, Filters(date_from=date(2000, 1, 1)))) == 1


def test_geo_precision_filter(incidents):
    """Geo precision keeps rows with the chosen precision levels."""
    out = apply_filters(incidents, Filters(geo_precision=(3,)))
    assert len(out) > 0 and set(out["geo_precision"]) == {3}


def test_text_search_matches_evidence_and_source_articles(incidents):
    """Text search hits the evidence and any source article's text, case-insensitively."""
    articles = synthetic_articles(incidents)
    target = incidents.iloc[5]
    first_source = target["sources"].split(";")[0]
    articles.loc[articles["article_id"] == first_source, "text"] = "A unique ZEBRA phrase."
    out = apply_filters(incidents, Filters(text="zebra"), articles)
    assert target["incident_id"] in set(out["incident_id"])
    assert all(first_source in s.split(";") for s in out["sources"])
    only_evidence = apply_filters(incidents, Filters(text="ZEBRA"))
    assert only_evidence.empty


def test_params_round_trip():
    """Filters -> URL params -> Filters gives the same filters back."""
    f = Filters(places=("Ain al-Asad Air Base", "Baghdad"), countries=("Iraq",), admin1=("Erbil",),
                date_from=date(2024, 1, 1), date_to=date(2024, 6, 30), event_types=("Battles",),
                sub_event_types=("Armed clash",), weapons=("drone", "rocket"), actors=("unknown",),
                outcomes=("impact",), geo_precision=(1, 2), text="al-Asad", view="reports")
    params = filters_to_params(f)
    assert params["place"] == ["Ain al-Asad Air Base", "Baghdad"]
    assert params["from"] == "2024-01-01" and params["view"] == "reports"
    assert filters_from_params(params) == f
    assert filters_to_params(Filters()) == {}


def test_params_accept_single_strings_and_ignore_bad_values():
    """A single string is one value; bad dates, precisions and views are dropped."""
    f = filters_from_params({"place": "Harir Air Base", "from": "yesterday", "precision": ["2", "9"],
                             "view": "nonsense", "q": ""})
    assert f == Filters(places=("Harir Air Base",), geo_precision=(2,))
