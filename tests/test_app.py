"""AppTest checks of the Streamlit dashboard: filters, URL round-trip, downloads, reader escaping, upload."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path

import pandas as pd
import pytest
import streamlit as st
from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage
from streamlit.testing.v1 import AppTest

from dashboard.export import to_csv_bytes
from dashboard.query import Filters, apply_filters
from dashboard.schema import ARTICLE_COLUMNS
from dashboard.synthetic import SyntheticTables, synthetic_incidents, synthetic_reports
from dashboard.ui.map import map_extent
from dashboard.ui.timeline import bin_end, selected_range

APP = str(Path(__file__).resolve().parents[1] / "dashboard" / "app.py")
HOSTILE = 'Rockets hit <script>alert("x")</script> and <img src=x onerror=alert(1)> near Harir today.'
SITES = [
    # location, admin1, country, weapon, event_type, sub_event_type, actor, outcome, precision, date
    ("Ain al-Asad Air Base", "Al Anbar", "Iraq", "rocket", "Explosions/Remote violence",
     "Shelling/artillery/missile attack", "Islamic Resistance in Iraq", "impact", 1, "2024-01-20"),
    ("Baghdad International Airport", "Baghdad", "Iraq", "drone", "Explosions/Remote violence",
     "Air/drone strike", "unknown", "intercepted", 1, "2024-02-03"),
    ("Harir Air Base", "Erbil", "Iraq", "drone", "Explosions/Remote violence", "Air/drone strike",
     "Islamic Resistance in Iraq", "impact", 2, "2024-03-10"),
    ("Tower 22", "Al-Mafraq", "Jordan", "drone", "Explosions/Remote violence", "Air/drone strike",
     "Kataib Hezbollah", "impact", 1, "2024-01-28"),
    ("Al-Tanf Garrison", "Homs", "Syria", "rocket", "Battles", "Armed clash", "=cmd|' /C calc'!A0",
     "unknown", 3, "2023-11-05"),
]


def fixture_tables() -> SyntheticTables:
    """Return five hand-set incidents (one with a formula-like actor, one from a hostile article)."""
    incidents = synthetic_incidents(len(SITES), seed=7)
    columns = ["location", "admin1", "country", "weapon", "event_type", "sub_event_type", "actor", "outcome",
               "geo_precision", "event_date"]
    for i, values in enumerate(SITES):
        for column, value in zip(columns, values, strict=True):
            incidents.loc[i, column] = value
        incidents.loc[i, "article_date"] = values[-1]
        incidents.loc[i, "evidence"] = f"A {values[3]} attack targeted {values[0]}."
        incidents.loc[i, "sources"] = f"A{i}"
        incidents.loc[i, "n_sources"] = 1
    incidents.loc[2, "evidence"] = HOSTILE
    incidents.loc[4, "evidence"] = "-2+3 rockets fell on Al-Tanf Garrison."
    incidents["evidence_start"] = 0
    incidents["evidence_end"] = incidents["evidence"].str.len()
    incidents["place_mention"] = incidents["location"]
    articles = pd.DataFrame(
        {
            "article_id": [f"A{i}" for i in range(len(SITES))],
            "source_file": [f"fixture/{i}.txt" for i in range(len(SITES))],
            "title": [f"Report {i}" for i in range(len(SITES))],
            "published": incidents["article_date"].tolist(),
            "url": ["https://example.org/a"] * len(SITES),
            "source": ["fixture"] * len(SITES),
            "text": incidents["evidence"].tolist(),
        }
    )[ARTICLE_COLUMNS].astype("string")
    articles.loc[0, "text"] = "A rocket attack targeted Ain al-Asad Air Base. Officials named the quarry."
    articles.loc[2, "title"] = "<b onmouseover=alert(2)>Harir</b> report"
    return SyntheticTables(articles, synthetic_reports(incidents), incidents)


class RecordingStorage(MemoryMediaFileStorage):
    """Media storage that remembers every file handed to it by name (download buttons)."""

    files: dict[str, bytes] = {}

    def load_and_get_id(self, path_or_data, mimetype, kind, filename=None):
        """Record the file's bytes under its name, then store it as usual."""
        if isinstance(path_or_data, bytes) and filename:
            RecordingStorage.files[filename] = path_or_data
        return super().load_and_get_id(path_or_data, mimetype, kind, filename)


@pytest.fixture
def tables() -> SyntheticTables:
    """Return the fixture tables."""
    return fixture_tables()


@pytest.fixture
def make_app(monkeypatch, tmp_path, tables):
    """Return a function that runs the app on the fixture tables, with optional URL query parameters."""
    monkeypatch.setenv("INCIDENT_DASHBOARD_DATA", str(tmp_path / "data"))
    monkeypatch.setenv("INCIDENT_DASHBOARD_INPUTS", str(tmp_path / "inputs"))
    monkeypatch.delenv("INCIDENT_DASHBOARD_SYNTHETIC", raising=False)
    monkeypatch.setattr("dashboard.ui.data.build_tables", lambda *args, **kwargs: tables)
    monkeypatch.setattr("streamlit.testing.v1.app_test.MemoryMediaFileStorage", RecordingStorage)
    RecordingStorage.files = {}
    st.cache_data.clear()

    def run(params: dict[str, str | list[str]] | None = None, tab: str | None = None) -> AppTest:
        """Run the app once (URL params and open tab preset) and check it raised nothing."""
        at = AppTest.from_file(APP, default_timeout=60)
        for key, value in (params or {}).items():
            at.query_params[key] = value
        at.session_state["main_tab"] = tab or "Table"  # the reader opens first; most checks read the table
        at.run()
        assert not at.exception, [e.value for e in at.exception]
        return at

    return run


def shown_ids(at: AppTest) -> set[str]:
    """Return the incident ids in the app's table."""
    return set(at.dataframe[0].value["incident_id"].astype(str))


def ids(df: pd.DataFrame) -> set[str]:
    """Return the incident ids of a frame."""
    return set(df["incident_id"].astype(str))


def test_start_shows_every_incident_and_headline(make_app, tables):
    """Start-up: the table holds every incident and the headline counts them."""
    at = make_app()
    assert shown_ids(at) == ids(tables.incidents)
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Incidents"] == "5"
    assert metrics["Places"] == "5"
    assert metrics["Date span"] == "2023-11-05 → 2024-03-10"


FILTER_CASES = [
    ("f_places", ["Harir Air Base"], lambda d: d["location"] == "Harir Air Base"),
    ("f_countries", ["Jordan", "Syria"], lambda d: d["country"].isin(["Jordan", "Syria"])),
    ("f_admin1", ["Baghdad"], lambda d: d["admin1"] == "Baghdad"),
    ("f_event_types", ["Battles"], lambda d: d["event_type"] == "Battles"),
    ("f_sub_event_types", ["Air/drone strike"], lambda d: d["sub_event_type"] == "Air/drone strike"),
    ("f_weapons", ["rocket"], lambda d: d["weapon"] == "rocket"),
    ("f_actors", ["Kataib Hezbollah"], lambda d: d["actor"] == "Kataib Hezbollah"),
    ("f_outcomes", ["intercepted"], lambda d: d["outcome"] == "intercepted"),
    ("f_geo_precision", [2, 3], lambda d: d["geo_precision"].isin([2, 3])),
]


@pytest.mark.parametrize(("key", "value", "expected"), FILTER_CASES, ids=[c[0] for c in FILTER_CASES])
def test_each_multiselect_filter_narrows_the_table(make_app, tables, key, value, expected):
    """Every sidebar multiselect keeps exactly the rows with the chosen values."""
    at = make_app()
    at.multiselect(key=key).set_value(value).run()
    want = ids(tables.incidents[expected(tables.incidents).fillna(False).astype(bool)])
    assert 0 < len(want) < len(tables.incidents)
    assert shown_ids(at) == want


def test_date_range_filter(make_app, tables):
    """The From/To dates keep incidents dated inside the range (inclusive)."""
    at = make_app()
    at.date_input(key="f_date_from").set_value(date(2024, 1, 20))
    at.date_input(key="f_date_to").set_value(date(2024, 2, 3)).run()
    dates = tables.incidents["event_date"]
    assert shown_ids(at) == ids(tables.incidents[(dates >= "2024-01-20") & (dates <= "2024-02-03")])
    assert len(shown_ids(at)) == 3


def test_text_search_covers_evidence_and_article_text(make_app, tables):
    """Free-text search matches the evidence sentence and the full article text, in any case."""
    at = make_app()
    at.text_input(key="f_text").input("ONERROR").run()
    assert shown_ids(at) == {tables.incidents.loc[2, "incident_id"]}
    at.text_input(key="f_text").input("quarry").run()  # only in article A0's text, not in evidence
    assert shown_ids(at) == {tables.incidents.loc[0, "incident_id"]}


def test_reset_clears_every_filter(make_app, tables):
    """The reset button brings back every row and empties the URL."""
    at = make_app({"place": "Tower 22", "weapon": "drone"})
    assert len(shown_ids(at)) == 1
    reset = next(b for b in at.button if b.label == "Reset filters")
    reset.click().run()
    assert shown_ids(at) == ids(tables.incidents)
    assert dict(at.query_params) == {}


def test_url_round_trips_the_filters(make_app, tables):
    """Filters set in the widgets land in the URL, and opening that URL shows the same rows."""
    at = make_app()
    at.multiselect(key="f_weapons").set_value(["drone"])
    at.date_input(key="f_date_from").set_value(date(2024, 1, 25))
    at.text_input(key="f_text").input("attack").run()
    params = dict(at.query_params)
    assert params["weapon"] in ("drone", ["drone"])
    assert params["from"] in ("2024-01-25", ["2024-01-25"])
    first = shown_ids(at)
    again = make_app(params)
    assert shown_ids(again) == first
    assert again.multiselect(key="f_weapons").value == ["drone"]
    assert again.date_input(key="f_date_from").value == date(2024, 1, 25)


def test_url_place_filter_shows_only_that_place(make_app, tables):
    """Opening a URL with ?place=... shows only that place's incidents."""
    at = make_app({"place": "Ain al-Asad Air Base"})
    assert set(at.dataframe[0].value["location"]) == {"Ain al-Asad Air Base"}


def test_csv_download_is_exactly_the_filtered_rows(make_app, tables):
    """The CSV bytes equal export.to_csv_bytes of the filtered table; the name carries the dates."""
    make_app({"country": "Iraq"})
    expected = apply_filters(tables.incidents, Filters(countries=("Iraq",)))
    name = "incidents_2024-01-20_to_2024-03-10.csv"
    assert RecordingStorage.files[name] == to_csv_bytes(expected)
    back = pd.read_csv(io.BytesIO(RecordingStorage.files[name]))
    assert list(back.columns) == list(tables.incidents.columns)
    assert len(back) == 3


def test_csv_neutralises_formula_cells(make_app):
    """Cells that start like a spreadsheet formula get a leading apostrophe in the CSV."""
    make_app({"place": "Al-Tanf Garrison"})
    data = RecordingStorage.files["incidents_2023-11-05_to_2023-11-05.csv"].decode("utf-8")
    assert "'=cmd|' /C calc'!A0" in data
    assert "'-2+3 rockets" in data
    assert ",=cmd" not in data and ",-2+3" not in data


def test_reports_view_switches_table_and_csv(make_app, tables):
    """The reports view lists report rows, and its CSV holds the report columns."""
    at = make_app({"view": "reports"})
    assert "report_id" in at.dataframe[0].value.columns
    assert len(at.dataframe[0].value) == len(tables.reports)
    csv = next(v for k, v in RecordingStorage.files.items() if k.startswith("reports_"))
    assert csv == to_csv_bytes(tables.reports)


def test_reader_escapes_hostile_article_text(make_app, tables):
    """Article text with <script> and <img onerror> shows as text, with the evidence highlighted."""
    at = make_app({"place": "Harir Air Base"}, tab="Reader")
    body = "".join(h.proto.body for h in at.html)
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in body
    assert "&lt;img src=x onerror=alert(1)&gt;" in body
    assert "&lt;b onmouseover=alert(2)&gt;Harir&lt;/b&gt; report" in body
    assert "<script" not in body and "<img" not in body and "<b " not in body
    assert '<span class="ev">' in body


def test_reader_marks_places_and_lists_other_incidents(make_app, tables, monkeypatch):
    """Place mentions are marked; other incidents from the same article are listed beside it."""
    tables.reports.loc[tables.reports["incident_id"] == tables.incidents.loc[3, "incident_id"], "article_id"] = "A0"
    at = make_app({"place": "Ain al-Asad Air Base"}, tab="Reader")
    body = "".join(h.proto.body for h in at.html)
    assert '<span class="ev pl">Ain al-Asad Air Base</span>' in body
    others = [b.label for b in at.button if "Tower 22" in b.label]
    assert others == ["2024-01-28 · Tower 22 · drone"]


def test_upload_bad_file_shows_error_and_keeps_the_rest(make_app, tmp_path):
    """A bad upload gets its own error naming it; the good file alongside is saved."""
    at = make_app(tab="Add articles")
    good = b"Rockets struck Ain al-Asad air base on 3 March 2024, officials said.\n"
    at.file_uploader[0].set_value([("bad.json", b"{not json", "application/json"),
                                   ("good.txt", good, "text/plain")]).run()
    errors = [e.value for e in at.error]
    assert any(e.startswith("bad.json:") for e in errors), errors
    assert any(s.value.startswith("good.txt: added") for s in at.success)
    assert (tmp_path / "data" / "uploads" / "good.txt").read_bytes() == good
    assert not (tmp_path / "data" / "uploads" / "bad.json").exists()
    assert {m.label: m.value for m in at.metric}["Incidents"] == "5"


def test_review_tab_is_present(make_app):
    """The Review tab exists and runs only when open (lazy tabs)."""
    at = make_app()
    assert [t.label for t in at.tabs] == ["Reader", "Table", "Review", "Add articles"]
    assert not at.html  # the reader did not run while its tab is closed
    at = make_app(tab="Review")
    assert not at.dataframe or "report_id" not in at.dataframe[0].value.columns


def test_table_selection_opens_the_incident_in_the_reader(make_app, tables):
    """The incident chosen in the table (kept in session state) is the one the reader shows."""
    at = make_app()
    target = str(tables.incidents.loc[3, "incident_id"])
    at.session_state["selected_incident"] = target
    at.session_state["main_tab"] = "Reader"
    at.run()
    assert at.selectbox(key="reader_pick").value == target
    assert "Report 3" in "".join(h.proto.body for h in at.html)


def plotly_figures(at: AppTest) -> list[dict]:
    """Return the plotly figures the app drew, as dicts."""
    import json

    return [json.loads(chart.proto.spec) for chart in at.get("plotly_chart")]


def test_seed_only_page_is_meaningful(monkeypatch, tmp_path, repo_dir):
    """With only the seed article (real pipeline): three markers, a timeline, the article in the reader."""
    monkeypatch.setenv("INCIDENT_DASHBOARD_DATA", str(tmp_path / "data"))
    monkeypatch.setenv("INCIDENT_DASHBOARD_INPUTS", str(repo_dir / "seeds"))
    monkeypatch.delenv("INCIDENT_DASHBOARD_SYNTHETIC", raising=False)
    st.cache_data.clear()
    at = AppTest.from_file(APP, default_timeout=120)
    at.run()  # a new session: the reader is the open tab
    assert not at.exception, [e.value for e in at.exception]
    geo, timeline = plotly_figures(at)
    places = {row[0] for trace in geo["data"] for row in trace["customdata"]}
    assert places == {"Ain al-Asad Air Base", "Baghdad International Airport", "Harir Air Base"}
    assert timeline["data"] and all(trace["type"] == "bar" for trace in timeline["data"])
    body = "".join(h.proto.body for h in at.html)
    for mention in ("Ain Al Asad", "Baghdad&#x27;s international airport", "Harir"):
        assert f'class="ev pl">{mention}</span>' in body
    assert (tmp_path / "data" / "build.json").exists()  # built on first start into the data folder


def test_box_selection_gives_its_x_range():
    """A box drawn on the timeline gives the days under it."""
    selection = {"box": [{"x": ["2024-01-03 10:00", "2024-02-10 23:59:59.99"], "y": [0, 5]}], "points": []}
    assert selected_range(selection, "W") == (date(2024, 1, 3), date(2024, 2, 10))


def test_clicked_bars_cover_whole_bins():
    """Clicked bars give the span from the first bin's start to the last bin's end."""
    selection = {"points": [{"x": "2024-03-01"}, {"x": "2024-01-01"}]}
    assert selected_range(selection, "M") == (date(2024, 1, 1), date(2024, 3, 31))
    assert bin_end(date(2024, 1, 1), "W") == date(2024, 1, 7)
    assert selected_range({"points": []}, "D") is None


def test_map_extent_ignores_far_away_strays():
    """A stray match on another continent does not zoom the map out to the world."""
    places = pd.DataFrame({"longitude": [42.4, 44.2, 44.3, -77.0], "latitude": [33.8, 33.3, 36.5, 38.9],
                           "count": [30, 20, 10, 1]})
    extent = map_extent(places)
    assert extent["lonaxis_range"][0] > 30 and extent["lonaxis_range"][1] < 55
    assert extent["lataxis_range"][0] < 33.3 and extent["lataxis_range"][1] > 36.5


def test_many_incidents_send_few_marks(monkeypatch, tmp_path):
    """20k synthetic incidents still reach the browser as a few dozen markers and at most a few thousand bars."""
    from dashboard.ui.appbench import figure_sizes

    monkeypatch.setenv("INCIDENT_DASHBOARD_SYNTHETIC", "20000")
    monkeypatch.setenv("INCIDENT_DASHBOARD_DATA", str(tmp_path))
    st.cache_data.clear()
    at = AppTest.from_file(APP, default_timeout=120)
    at.session_state["main_tab"] = "Table"
    at.run()
    assert not at.exception
    sizes = figure_sizes(at)
    assert 0 < sizes["map_points"] <= 100
    assert 0 < sizes["timeline_marks"] <= 3000
    assert len(at.dataframe[0].value) == 1000  # the table is capped; the downloads hold every row


def test_online_geocoding_is_off_by_default_and_reaches_the_build(monkeypatch, tmp_path, tables):
    """The sidebar toggle starts off (air-gapped); switching it on rebuilds with online geocoding."""
    calls: list[bool] = []

    def recording_build(paths, out_dir, synthetic, progress, online=False):
        calls.append(online)
        return tables

    monkeypatch.setenv("INCIDENT_DASHBOARD_DATA", str(tmp_path / "data"))
    monkeypatch.setenv("INCIDENT_DASHBOARD_INPUTS", str(tmp_path / "inputs"))
    monkeypatch.delenv("INCIDENT_DASHBOARD_SYNTHETIC", raising=False)
    monkeypatch.setattr("dashboard.ui.data.build_tables", recording_build)
    st.cache_data.clear()
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    toggle = at.sidebar.toggle(key="online")
    assert toggle.value is False and calls and not any(calls)
    toggle.set_value(True).run()
    assert not at.exception and calls[-1] is True


def test_views_are_remembered_per_filter_state(make_app, monkeypatch):
    """Another session with the same filters, or a return to earlier filters, reuses the map computed for them."""
    import dashboard.ui.map as map_view

    calls: list[int] = []
    real = map_view.place_summary
    monkeypatch.setattr(map_view, "place_summary", lambda *args, **kwargs: calls.append(1) or real(*args, **kwargs))
    first = make_app({"weapon": "drone"})
    second = make_app({"weapon": "drone"})
    assert len(calls) == 1 and plotly_figures(first) == plotly_figures(second)
    second.multiselect(key="f_weapons").set_value([]).run()
    second.multiselect(key="f_weapons").set_value(["drone"]).run()
    assert len(calls) == 2
    assert shown_ids(second) == shown_ids(first)


def test_remember_keeps_the_newest_parts(monkeypatch):
    """Loaded.remember computes a part once and forgets the least recently used beyond MEMO_SIZE."""
    from dashboard.ui import data

    monkeypatch.setattr(data, "MEMO_SIZE", 2)
    loaded = data.Loaded(tables=None, titles={}, pairs=pd.DataFrame(), views={})
    calls: list[str] = []
    for key in ["a", "b", "a", "c", "a", "b"]:  # the second "a" refreshes it, so "c" pushes out "b"
        assert loaded.remember(key, lambda k=key: calls.append(k) or k.upper()) == key.upper()
    assert calls == ["a", "b", "c", "b"]
