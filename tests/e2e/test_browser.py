"""End-to-end: the dashboard in headless Chromium against `streamlit run`, with no request leaving 127.0.0.1."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from urllib.parse import parse_qs, quote, urlparse

import pandas as pd
import pytest

from dashboard.export import to_csv_bytes
from dashboard.query import Filters, apply_filters
from dashboard.ui.map import MAP_RESOLUTION

SEED_SITES = {  # name: (latitude, longitude) from data/gazetteer/sites.csv
    "Ain al-Asad Air Base": (33.786, 42.441),
    "Baghdad International Airport": (33.263, 44.235),
    "Harir Air Base": (36.537, 44.345),
}
NEW_ARTICLE = (
    b"Rocket attack on K-1 base in Kirkuk\n\n"
    b"Two rockets struck the K-1 military base in Kirkuk on 2 April 2024, security officials said. "
    b"No casualties were reported.\n"
)
MAP = "[data-testid='stPlotlyChart']:has(g.geo)"
TIMELINE = "[data-testid='stPlotlyChart']:not(:has(g.geo))"
MAP_POINTS_JS = """() => {
  const plot = [...document.querySelectorAll('.js-plotly-plot')].find(p => p.querySelector('g.geo'));
  if (!plot) return null;
  const box = plot.querySelector('g.geo').getBoundingClientRect();
  return [...plot.querySelectorAll('g.geo path.point')].map(el => {
    const r = el.getBoundingClientRect();
    const d = el.__data__ || {};
    const group = el.closest('g.trace');
    const trace = (group && group.__data__ && group.__data__[0] && group.__data__[0].trace) || {};
    return {place: trace.customdata && trace.customdata[d.i] ? trace.customdata[d.i][0] : null,
            x: r.x + r.width / 2, y: r.y + r.height / 2,
            lon: d.lonlat ? d.lonlat[0] : null, lat: d.lonlat ? d.lonlat[1] : null,
            visible: r.width > 0 && r.left >= box.left - 1 && r.right <= box.right + 1
                     && r.top >= box.top - 1 && r.bottom <= box.bottom + 1};
  });
}"""


def open_app(page, server, query: str = "") -> None:
    """Open the dashboard and wait until the map markers and the reader (the tab a new session opens on) are drawn."""
    page.goto(f"{server.url}/{query}")
    page.wait_for_selector("g.geo path.point", state="attached", timeout=90_000)
    page.wait_for_selector(".article-text", state="attached", timeout=90_000)
    # The sidebar is drawn last in a run: once its last widget is there, the whole page is.
    page.wait_for_selector("[data-testid='stSidebar'] input[aria-label='Analyst name']", state="attached",
                           timeout=90_000)
    page.wait_for_function("() => !document.querySelector(\"[data-testid='stStatusWidget']\")", timeout=90_000)


def map_points(page) -> list[dict]:
    """Return the map's drawn markers: place, lon/lat and whether they lie inside the map frame."""
    return page.evaluate(MAP_POINTS_JS) or []


def assert_clean(page, watch) -> None:
    """Assert no request left the machine, no script error happened, and Streamlit shows no exception."""
    assert watch.blocked == [], f"requests to other hosts: {watch.blocked}"
    assert watch.errors == [], f"page errors: {watch.errors}"
    assert page.locator("[data-testid='stException']").count() == 0


def server_incidents(server) -> pd.DataFrame:
    """Return the incident table the server built (its data/incidents.parquet; re-running the pipeline here
    could differ when the extraction code changed after the server started)."""
    return pd.read_parquet(server.data_dir / "incidents.parquet")


def test_map_draws_seed_sites_and_borders_offline(page, watch, server, screenshot):
    """The map shows markers at the three seed sites over country outlines served by the app itself."""
    basemap = []
    page.on("response", lambda r: basemap.append((r.url, r.status)) if "/app/static/" in r.url else None)
    open_app(page, server)
    points = {p["place"]: p for p in map_points(page)}
    for name, (lat, lon) in SEED_SITES.items():
        assert name in points, f"no marker for {name}: {sorted(points)}"
        assert points[name]["lat"] == pytest.approx(lat, abs=0.05)
        assert points[name]["lon"] == pytest.approx(lon, abs=0.05)
        assert points[name]["visible"], f"{name} is outside the map frame"
    outlines = page.eval_on_selector_all("g.geo .countries path, g.geo path.countries",
                                         "els => els.map(e => (e.getAttribute('d') || '').length)")
    assert outlines and max(outlines) > 1000, "no country outlines drawn"
    assert any(url.endswith(f"/app/static/world_{MAP_RESOLUTION}m.json") and status == 200 for url, status in basemap)
    screenshot(page.locator(MAP).first, "map.png")
    screenshot(page.locator("[data-testid='stAppViewContainer']"), "overview.png")
    assert_clean(page, watch)


def test_timeline_renders_bars_and_place_strips(page, watch, server, screenshot):
    """The timeline draws stacked bars, and the per-place view draws one strip per place."""
    open_app(page, server)
    timeline = page.locator(TIMELINE).first
    assert timeline.locator("g.barlayer path").count() > 0
    screenshot(timeline, "timeline.png")
    page.get_by_text("per place", exact=True).click()
    page.wait_for_selector(f"{TIMELINE} g.scatterlayer path.point", state="attached", timeout=60_000)
    lanes = page.eval_on_selector(f"{TIMELINE} .js-plotly-plot", "p => new Set(p.data[0].y).size")
    assert lanes >= 3
    screenshot(page.locator(TIMELINE).first, "timeline_places.png")
    assert_clean(page, watch)


def test_url_with_place_filter_shows_only_that_place(page, watch, server):
    """Opening a shared URL with ?place=... shows that place alone, and the sidebar shows the filter."""
    open_app(page, server, "?place=" + quote("Harir Air Base"))
    assert {p["place"] for p in map_points(page)} == {"Harir Air Base"}
    assert page.locator("[data-testid='stSidebar']").get_by_text("Harir Air Base").count() >= 1
    assert "place=Harir" in page.url
    assert_clean(page, watch)


def test_clicking_a_marker_narrows_to_that_place(page, watch, server):
    """Clicking a map marker sets the place filter (and the URL) to that place."""
    open_app(page, server)
    target = next(p for p in map_points(page) if p["place"] == "Harir Air Base")
    page.mouse.move(target["x"] - 4, target["y"] - 4)
    page.mouse.move(target["x"], target["y"], steps=3)
    page.mouse.click(target["x"], target["y"])
    page.wait_for_function("() => location.search.includes('place=Harir')", timeout=60_000)
    page.wait_for_function(f"() => ({MAP_POINTS_JS})().length === 1", timeout=60_000)
    assert [p["place"] for p in map_points(page)] == ["Harir Air Base"]
    assert_clean(page, watch)


def test_box_on_timeline_narrows_the_dates(page, watch, server):
    """Dragging a box over the timeline sets the From/To dates (and the URL)."""
    open_app(page, server)
    area = page.locator(f"{TIMELINE} .nsewdrag").first.bounding_box()
    page.mouse.move(area["x"] + area["width"] * 0.7, area["y"] + area["height"] * 0.3)
    page.mouse.down()
    page.mouse.move(area["x"] + area["width"] * 0.95, area["y"] + area["height"] * 0.6, steps=8)
    page.mouse.up()
    page.wait_for_function("() => location.search.includes('from=') && location.search.includes('to=')",
                           timeout=60_000)
    params = parse_qs(urlparse(page.evaluate("location.href")).query)
    assert date.fromisoformat(params["from"][0]) < date.fromisoformat(params["to"][0])
    assert_clean(page, watch)


def test_csv_download_is_the_filtered_rows(page, watch, server):
    """"Download CSV" gives exactly the filtered incidents through the export function."""
    incidents = server_incidents(server)
    place = incidents["location"].value_counts().index[0]
    open_app(page, server, "?place=" + quote(place))
    page.get_by_role("tab", name="Table").click()
    page.wait_for_selector("[data-testid='stDataFrame']", state="attached", timeout=60_000)
    with page.expect_download() as info:
        page.get_by_role("button", name="Download CSV").click()
    download = info.value
    expected = to_csv_bytes(apply_filters(incidents, Filters(places=(place,))))
    assert Path(download.path()).read_bytes() == expected
    assert download.suggested_filename.startswith("incidents_") and download.suggested_filename.endswith(".csv")
    assert_clean(page, watch)


def test_reader_shows_seed_article_with_places_marked(page, watch, server, screenshot):
    """The reader shows the seed article with its evidence highlighted and the three places marked."""
    open_app(page, server, "?place=" + quote("Harir Air Base"))
    page.get_by_role("tab", name="Reader").click()
    page.wait_for_selector(".article-text", timeout=60_000)
    marked = " | ".join(page.locator(".article-text .pl").all_inner_texts()).lower()
    for mention in ("ain al asad", "baghdad", "harir"):
        assert mention in marked, marked
    assert page.locator(".article-text .ev").count() >= 1
    screenshot(page.locator("[data-testid='stTabs'] [role='tabpanel']:visible").first, "reader.png")
    assert_clean(page, watch)


def test_upload_article_adds_a_marker(page, watch, server):
    """Uploading an article about a new place saves it and adds a marker for that place."""
    open_app(page, server)
    before = {p["place"] for p in map_points(page)}
    page.get_by_role("tab", name="Add articles").click()
    page.locator("input[type='file']").set_input_files(
        {"name": "k1.txt", "mimeType": "text/plain", "buffer": NEW_ARTICLE}
    )
    page.wait_for_function(
        "() => [...document.querySelectorAll('[data-testid=\"stAlertContentSuccess\"]')]"
        ".some(e => e.innerText.includes('k1.txt: added'))", timeout=90_000)
    page.wait_for_function(
        f"() => ({MAP_POINTS_JS})().some(p => p.place && !{sorted(before)!r}.includes(p.place))", timeout=90_000)
    after = {p["place"] for p in map_points(page)}
    assert after - before, "no new marker"
    assert any("K-1" in p or "Kirkuk" in p for p in after - before), after - before
    assert (server.data_dir / "uploads" / "k1.txt").read_bytes() == NEW_ARTICLE
    assert_clean(page, watch)
