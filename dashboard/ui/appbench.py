"""App benchmarks: filter-change rerun time (AppTest, synthetic incidents) and first render in Chromium.

streamlit and playwright are imported inside the functions, so importing this module stays cheap.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

from dashboard import DEFAULT_INPUTS, REPO_DIR

APP_PATH = REPO_DIR / "dashboard" / "app.py"
CHROMIUM = Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
# What "the page has rendered" means: map markers, timeline bars and the reader's article (the tab a new session
# opens on, its evidence highlighted) are in the DOM.
RENDERED_SELECTORS = ("g.geo path.point", "g.barlayer path", ".article-text .ev")
TABLE_SELECTOR = "[data-testid='stDataFrame']"
FLOOR_SELECTORS = ("g.geo path.point",)


def free_port() -> int:
    """Return a TCP port on 127.0.0.1 that is free right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_healthy(url: str, timeout: float = 60.0, process: subprocess.Popen | None = None) -> None:
    """Wait until a Streamlit server answers /_stcore/health with "ok" (raise on timeout or exit)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"streamlit exited with code {process.returncode}")
        with contextlib.suppress(OSError), urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
            if response.read().strip() == b"ok":
                return
        time.sleep(0.2)
    raise TimeoutError(f"streamlit did not become healthy at {url}")


def copy_default_inputs(folder: Path) -> list[Path]:
    """Copy the default inputs (seeds/, data/articles/) into folder and return the copies."""
    copies = []
    for source in DEFAULT_INPUTS:
        target = folder / source.name
        if source.is_dir():
            shutil.copytree(source, target, dirs_exist_ok=True)
        else:
            target.mkdir(parents=True, exist_ok=True)
        copies.append(target)
    return copies


@contextlib.contextmanager
def streamlit_server(data_dir: Path, inputs: list[Path] | None = None, env: dict[str, str] | None = None,
                     log_path: Path | None = None) -> Iterator[str]:
    """Run `streamlit run dashboard/app.py` on a free 127.0.0.1 port; yield its URL; stop it afterwards."""
    environment = {**os.environ, "INCIDENT_DASHBOARD_DATA": str(data_dir), **(env or {})}
    if inputs is not None:
        environment["INCIDENT_DASHBOARD_INPUTS"] = os.pathsep.join(str(p) for p in inputs)
    with _served(APP_PATH, REPO_DIR, environment, log_path) as url:
        yield url


@contextlib.contextmanager
def _served(script: Path, cwd: Path, environment: dict[str, str] | None = None, log_path: Path | None = None,
            extra: tuple[str, ...] = ()) -> Iterator[str]:
    """Run `streamlit run script` from cwd on a free 127.0.0.1 port; yield its URL; stop it afterwards."""
    port = free_port()
    command = [
        sys.executable, "-m", "streamlit", "run", str(script), "--server.port", str(port),
        "--server.address", "127.0.0.1", "--server.headless", "true", "--browser.gatherUsageStats", "false", *extra,
    ]
    log = open(log_path or os.devnull, "wb")  # noqa: SIM115 - closed in finally
    process = subprocess.Popen(command, cwd=cwd, env=environment, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_healthy(url, process=process)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)
        log.close()


def figure_sizes(at: Any) -> dict[str, int]:
    """Return how many map markers and timeline bars the app sent to the browser."""
    import json

    figures = [json.loads(chart.proto.spec) for chart in at.get("plotly_chart")]
    traces = [trace for fig in figures for trace in fig["data"]]
    geo = sum(_array_length(t.get("lat")) for t in traces if t["type"] == "scattergeo")
    other = sum(_array_length(t.get("x")) for t in traces if t["type"] != "scattergeo")
    return {"map_points": geo, "timeline_marks": other}


def _array_length(value: Any) -> int:
    """Return the length of a plotly JSON array (a list, or a typed array {"dtype", "bdata"})."""
    import base64

    import numpy as np

    if isinstance(value, dict) and "bdata" in value:
        return len(base64.b64decode(value["bdata"])) // np.dtype(value["dtype"]).itemsize
    return len(value or [])


def rerun_times(n: int, repeats: int = 3) -> dict[str, Any]:
    """Return AppTest timings (ms) of filter-change reruns on n synthetic incidents."""
    from streamlit.testing.v1 import AppTest

    os.environ["INCIDENT_DASHBOARD_SYNTHETIC"] = str(n)
    try:
        with tempfile.TemporaryDirectory() as tmp:
            os.environ["INCIDENT_DASHBOARD_DATA"] = tmp
            at = AppTest.from_file(str(APP_PATH), default_timeout=600)
            at.session_state["main_tab"] = "Table"  # the heavier tab: the table and the downloads rerun too
            started = time.perf_counter()
            at.run()
            first = time.perf_counter() - started
            sizes = figure_sizes(at)
            changes = [
                ("weapon=drone", lambda: at.multiselect(key="f_weapons").set_value(["drone"])),
                ("+ place", lambda: at.multiselect(key="f_places").set_value(["Ain al-Asad Air Base"])),
                ("- place", lambda: at.multiselect(key="f_places").set_value([])),
                ("from date", lambda: at.date_input(key="f_date_from").set_value(date(2024, 6, 1))),
                ("country", lambda: at.multiselect(key="f_countries").set_value(["Iraq"])),
                ("reset", lambda: next(b for b in at.button if b.label == "Reset filters").click()),
            ]
            timings: dict[str, list[float]] = {name: [] for name, _ in changes}
            for _ in range(repeats):
                for name, change in changes:
                    change()
                    started = time.perf_counter()
                    at.run()
                    timings[name].append((time.perf_counter() - started) * 1000)
                    if at.exception:
                        raise RuntimeError(at.exception[0].value)
    finally:
        os.environ.pop("INCIDENT_DASHBOARD_SYNTHETIC", None)
        os.environ.pop("INCIDENT_DASHBOARD_DATA", None)
    per_change = {name: round(statistics.median(values), 1) for name, values in timings.items()}
    every = [v for values in timings.values() for v in values]
    return {
        "incidents": n,
        "first_run_s": round(first, 2),
        "rerun_ms_median": round(statistics.median(every), 1),
        "rerun_ms_max": round(max(every), 1),
        "rerun_ms_by_change": per_change,
        **sizes,
    }


def render_time(url: str, attempts: int = 3, revisit: bool = False,
                selectors: tuple[str, ...] = RENDERED_SELECTORS) -> dict[str, Any]:
    """Return seconds from navigation until the page is drawn (RENDERED_SELECTORS) in Chromium
    (each attempt in a fresh browser context, so nothing comes from the HTTP cache; with revisit, the time of a
    second load in the same context instead: a returning analyst whose browser has cached the scripts)."""
    times: list[float] = []
    blocked: list[str] = []
    with _chromium() as browser:
        for _ in range(attempts):
            with _fresh_page(browser, blocked) as page:
                for _visit in range(2 if revisit else 1):
                    seconds = _draw(page, url, selectors)
                times.append(seconds)
    return {"first_render_s": round(times[0], 2), "render_s_median": round(statistics.median(times), 2),
            "blocked_requests": len(blocked)}


def alternate_render_times(targets: dict[str, tuple[str, tuple[str, ...]]], attempts: int = 5
                           ) -> dict[str, list[float]]:
    """Return render seconds per target (name -> (url, selectors)), measured in turn in one running Chromium,
    each load in a fresh browser context (empty HTTP cache), so every target sees the same machine load."""
    times: dict[str, list[float]] = {name: [] for name in targets}
    with _chromium() as browser:
        for _ in range(attempts):
            for name, (url, selectors) in targets.items():
                with _fresh_page(browser) as page:
                    times[name].append(_draw(page, url, selectors))
    return times


def table_tab_time(url: str, attempts: int = 3) -> float:
    """Return the median seconds from clicking the Table tab (page already drawn) until the table is drawn."""
    times = []
    with _chromium() as browser:
        for _ in range(attempts):
            with _fresh_page(browser) as page:
                _draw(page, url, RENDERED_SELECTORS)
                started = time.perf_counter()
                page.get_by_role("tab", name="Table").click()
                page.wait_for_selector(TABLE_SELECTOR, state="attached", timeout=60_000)
                times.append(time.perf_counter() - started)
    return round(statistics.median(times), 2)


@contextlib.contextmanager
def _chromium() -> Iterator[Any]:
    """Yield a running headless Debian Chromium (Playwright); close it afterwards."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@contextlib.contextmanager
def _fresh_page(browser: Any, blocked: list[str] | None = None) -> Iterator[Any]:
    """Yield a page in a new browser context (empty HTTP cache) whose requests leaving the machine are aborted
    (and recorded in blocked when given); close the context afterwards."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()

    def guard(route: Any) -> None:
        """Let local requests through; abort the rest."""
        if _local(route.request.url):
            route.continue_()
            return
        if blocked is not None:
            blocked.append(route.request.url)
        route.abort()

    page.route("**/*", guard)
    try:
        yield page
    finally:
        context.close()


def _draw(page: Any, url: str, selectors: tuple[str, ...]) -> float:
    """Return seconds from navigating the page to url until every selector is in the DOM."""
    started = time.perf_counter()
    page.goto(url)
    for selector in selectors:
        page.wait_for_selector(selector, state="attached", timeout=60_000)
    return time.perf_counter() - started


def _local(url: str) -> bool:
    """Return True for URLs that stay on this machine (127.0.0.1, data:, blob:)."""
    return url.startswith(("http://127.0.0.1", "ws://127.0.0.1", "data:", "blob:"))


# The floor under the first render: a page with nothing but a title and one three-point plotly map on the same
# offline basemap, served by the same Streamlit. Whatever the dashboard adds is the difference to this page.
FLOOR_APP = """
import plotly.graph_objects as go
import streamlit as st

st.set_page_config(layout="wide")
st.title("Floor")
figure = go.Figure(go.Scattergeo(lon=[42.44, 44.23, 44.35], lat=[33.79, 33.26, 36.54], mode="markers"))
figure.update_geos(resolution=110, showcountries=True, lonaxis_range=[38, 48], lataxis_range=[30, 38])
st.plotly_chart(figure, config={"topojsonURL": "/app/static/"})
"""


@contextlib.contextmanager
def floor_server() -> Iterator[str]:
    """Run the one-chart floor page with `streamlit run` on 127.0.0.1; yield its URL."""
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        (folder / "floor.py").write_text(FLOOR_APP, encoding="utf-8")
        shutil.copytree(REPO_DIR / "dashboard" / "static", folder / "static")
        with _served(folder / "floor.py", folder, extra=("--server.enableStaticServing", "true")) as url:
            yield url


def browser_times() -> dict[str, Any]:
    """Return render times for the default data: cold (server's first page: builds tables), warm, returning
    visit, and the floor (one-chart page) measured alternately with the dashboard in the same minutes."""
    if not CHROMIUM.exists():
        return {"skipped": f"{CHROMIUM} not found"}
    with tempfile.TemporaryDirectory() as tmp:
        inputs = copy_default_inputs(Path(tmp) / "inputs")
        with streamlit_server(Path(tmp) / "data", inputs) as url, floor_server() as floor_url:
            cold = render_time(url, attempts=1)
            render_time(floor_url, attempts=1, selectors=FLOOR_SELECTORS)  # the floor server's first page
            runs = alternate_render_times({"app": (url, RENDERED_SELECTORS), "floor": (floor_url, FLOOR_SELECTORS)},
                                          attempts=7)
            warm, floor = runs["app"], runs["floor"]
            again = render_time(url, attempts=3, revisit=True)
            table = table_tab_time(url)
    return {"cold_first_render_s": cold["first_render_s"], "first_render_s": round(statistics.median(warm), 2),
            "first_render_s_runs": " ".join(f"{t:.2f}" for t in warm),
            "floor_one_chart_page_s": round(statistics.median(floor), 2),
            "returning_visit_render_s": again["render_s_median"], "table_tab_click_to_table_s": table,
            "blocked_requests": cold["blocked_requests"] + again["blocked_requests"]}


def bench_app(n: int = 100_000) -> dict[str, Any]:
    """Return app benchmark numbers: AppTest filter-change reruns on n incidents, Chromium render times."""
    browser = browser_times()  # first: the 100k-incident AppTest leaves a large heap and busy threads behind
    return {"rerun": rerun_times(n), "browser": browser}


if __name__ == "__main__":
    import json

    print(json.dumps(bench_app(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000), indent=1))
