"""Benchmarks (`make bench`): pipeline throughput on generated corpora, gazetteer start-up, and the app."""

from __future__ import annotations

import random
import resource
import statistics
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from dashboard.evaluate import machine_line

SITES = [
    "Ain al-Asad air base", "Harir air base", "Erbil airport", "Baghdad International Airport", "al-Tanf",
    "Tower 22", "the Conoco gas field", "the al-Omar oil field", "Shaddadi", "Rumalan", "Camp Taji",
    "Balad air base", "Jurf al-Sakhar", "al-Qaim", "Akashat", "Deir ez-Zor", "Mosul", "Kirkuk", "Erbil",
]  # fmt: skip
OPENINGS = [
    "{weapon_phrase} struck {site} {when}, {casualties}, officials said.",
    "{site} came under attack {when} when {weapon_phrase} hit the base; {casualties}.",
    "Security sources said {weapon_phrase} targeted {site} {when}. {casualty_sentence}",
    "{actor} claimed responsibility for an attack on {site} {when} using {weapon_plain}.",
]
WEAPONS = [
    ("a one-way attack drone", "drones"), ("two Katyusha rockets", "rockets"), ("mortar rounds", "mortars"),
    ("a ballistic missile", "ballistic missiles"), ("a roadside bomb", "an improvised explosive device"),
]  # fmt: skip
WHENS = ["on Monday", "late on Saturday", "last night", "earlier today", "on Wednesday evening", "on {date}"]
CASUALTIES = ["causing no casualties", "wounding two soldiers", "killing three people", "injuring at least 12"]
ACTORS = ["The Islamic Resistance in Iraq", "Kataib Hezbollah", "A group calling itself Ashab al-Kahf"]
CONTEXT = (
    "The attack came amid rising tension over the war in {region}. Officials in Washington and {capital} have "
    "discussed the future of the coalition for {months} months, and Iraqi leaders say the country no longer needs "
    "foreign combat troops. Analysts in {city} said the pressure would continue, {n} days after the last talks."
)
CAPITALS = ["Baghdad", "Amman", "Damascus", "Ankara", "Beirut", "Tehran", "Doha", "Riyadh", "Cairo", "Kuwait City"]
CITIES = ["Beirut", "Tehran", "London", "Istanbul", "Dubai", "Paris", "Berlin", "Basra", "Mosul", "Najaf", "Karbala"]
REGIONS = ["Gaza", "Lebanon", "Yemen", "the Red Sea", "Sudan", "Ukraine"]


def generate_corpus(n: int, folder: Path, seed: int = 7) -> None:
    """Write n template articles (seed .txt layout) with varied sites, weapons, dates and casualties."""
    rng = random.Random(seed)
    start = date(2023, 10, 17)
    for i in range(n):
        published = start + timedelta(days=rng.randrange(500))
        event = published - timedelta(days=rng.randrange(3))
        weapon_phrase, weapon_plain = rng.choice(WEAPONS)
        when = rng.choice(WHENS).format(date=f"{event:%B} {event.day}")
        lead = rng.choice(OPENINGS).format(
            weapon_phrase=weapon_phrase, weapon_plain=weapon_plain, site=rng.choice(SITES), when=when,
            casualties=rng.choice(CASUALTIES), casualty_sentence="No casualties were reported.",
            actor=rng.choice(ACTORS),
        )
        lead = lead[0].upper() + lead[1:]
        context = [
            CONTEXT.format(region=rng.choice(REGIONS), capital=rng.choice(CAPITALS), months=rng.randrange(2, 30),
                           city=rng.choice(CITIES), n=rng.randrange(2, 90))
            for _ in range(2)
        ]
        body = "\n\n".join([lead, context[0], "Advertisement", context[1]])
        (folder / f"{i:06d}.txt").write_text(f"date {published.isoformat()} Bench article {i}\n\n{body}\n")


def peak_rss_mb() -> float:
    """Return this process's peak resident memory in MB."""
    usage = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return usage / 1024 if sys.platform != "darwin" else usage / (1024 * 1024)


def bench_gazetteer() -> dict[str, float]:
    """Return seconds to build the gazetteer index from scratch and to load it warm from the cache."""
    from dashboard.geocode import load_gazetteer

    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        load_gazetteer(cache_dir=Path(tmp))
        cold = time.perf_counter() - t0
        t0 = time.perf_counter()
        load_gazetteer(cache_dir=Path(tmp))
        warm = time.perf_counter() - t0
    return {"gazetteer cold build (s)": cold, "gazetteer warm load (s)": warm}


def _pipeline_once(n: int, seed: int) -> dict[str, Any]:
    """Return the timings of one run of load + extract + geocode + group over n articles generated with seed."""
    from dashboard.articles import load_articles
    from dashboard.extract import extract_reports
    from dashboard.geocode import load_gazetteer
    from dashboard.incidents import assign_incidents, summarize_incidents

    gazetteer = load_gazetteer()
    with tempfile.TemporaryDirectory() as tmp:
        generate_corpus(n, Path(tmp), seed=seed)
        t0 = time.perf_counter()
        loaded = load_articles([tmp])
        t1 = time.perf_counter()
        reports = extract_reports(loaded.articles, gazetteer)
        t2 = time.perf_counter()
        incidents = summarize_incidents(assign_incidents(reports))
        t3 = time.perf_counter()
    return {"articles": len(loaded.articles), "reports": len(reports), "incidents": len(incidents),
            "load": t1 - t0, "extract": t2 - t1, "group": t3 - t2}


def bench_pipeline(n: int, repeats: int = 5) -> dict[str, Any]:
    """Return timings of load + extract + geocode + group for n generated articles on one core: the median of
    `repeats` runs, each on a freshly generated corpus (so no cache carries over), with the slowest and fastest."""
    runs = [_pipeline_once(n, seed) for seed in range(7, 7 + repeats)]
    rates = sorted(r["articles"] / (r["load"] + r["extract"]) for r in runs)
    middle = sorted(runs, key=lambda r: r["articles"] / (r["load"] + r["extract"]))[len(runs) // 2]
    return {
        "articles": middle["articles"],
        "reports": middle["reports"],
        "incidents": middle["incidents"],
        "load (s)": middle["load"],
        "extract + geocode (s)": middle["extract"],
        "group (s)": middle["group"],
        "articles/s (load + extract + geocode)": statistics.median(rates),
        f"slowest / fastest of {repeats} runs": f"{rates[0]:.0f} / {rates[-1]:.0f}",
        "articles/s (whole pipeline)": middle["articles"] / (middle["load"] + middle["extract"] + middle["group"]),
        "peak RSS (MB)": peak_rss_mb(),
    }


def format_markdown(gazetteer: dict[str, float], pipeline: list[dict[str, Any]], app: dict[str, Any] | None) -> str:
    """Return the benchmark results as markdown."""
    lines = ["# Benchmarks", "", f"Measured {machine_line()} with `make bench` (one process, one core).", "",
             "## Gazetteer", "", "| step | seconds |", "|---|---|"]
    lines += [f"| {k.replace(' (s)', '')} | {v:.3f} |" for k, v in gazetteer.items()]
    lines += ["", "## Pipeline on generated corpora", "",
              "Articles generated from templates (seed .txt layout, ~1 KB each: one incident sentence, then two "
              "context paragraphs naming other places, with names and numbers drawn at random so that no two "
              "articles share their text).", ""]
    if pipeline:
        keys = list(pipeline[0])
        lines += ["| " + " | ".join(keys) + " |", "|" + "---|" * len(keys)]
        for row in pipeline:
            lines.append("| " + " | ".join(f"{v:.2f}" if isinstance(v, float) else str(v) for v in row.values()) + " |")
    lines += ["", "Each size is run five times on freshly generated corpora; the row is the median run.", "",
              "Target: >= 1,000 articles/s for load + extract + geocode; gazetteer warm load < 1 s.", ""]
    if app:
        lines += ["## App", "", "| measure | value |", "|---|---|"]
        lines += [f"| {k} | {v:.3f} |" if isinstance(v, float) else f"| {k} | {v} |" for k, v in app.items()]
        lines += ["", "Targets: filter-change rerun < 300 ms with 100,000 incidents (AppTest, server side); "
                  "first render in Chromium < 3 s for the default data.", ""]
    return "\n".join(lines)


def _flatten(values: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    """Return a nested dict of measures as one level ("rerun: median_ms")."""
    flat: dict[str, Any] = {}
    for key, value in values.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            flat.update(_flatten(value, f"{name}: "))
        else:
            flat[name] = value
    return flat


def run_bench(sizes: list[int], write: str | None, with_app: bool = True) -> int:
    """Run every benchmark, print the markdown and write it when asked."""
    gazetteer = bench_gazetteer()
    pipeline = [bench_pipeline(n) for n in sizes]
    app = None
    if with_app:
        try:
            from dashboard.ui.appbench import bench_app
        except ImportError as error:
            print(f"app benchmark unavailable: {error}", file=sys.stderr)
        else:
            app = _flatten(bench_app())
    report = format_markdown(gazetteer, pipeline, app)
    print(report)
    if write:
        from dashboard.store import atomic_write_text

        atomic_write_text(write, report + "\n")
    return 0
