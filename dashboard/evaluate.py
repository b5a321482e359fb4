"""Measure extraction against the gold labels (and geocoding on TR-News); print and write the report."""

from __future__ import annotations

import json
import platform
import re
import sys
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd
from geopy.distance import great_circle

from dashboard import REPO_DIR
from dashboard import lexicon as lx
from dashboard.articles import load_articles
from dashboard.extract import extract_reports
from dashboard.geocode import Gazetteer, load_gazetteer
from dashboard.incidents import assign_incidents

DEFAULT_GOLD = REPO_DIR / "tests" / "gold"
DEFAULT_TRNEWS = REPO_DIR.parent / "shared" / "benchmarks" / "tr-news" / "TR-News.xml"
MATCH_KM = 50.0
GEO_KM = 5.0


@dataclass
class Scores:
    """Counts behind the extraction metrics, plus the misses and false positives to print."""

    gold: int = 0
    predicted: int = 0
    matched: int = 0
    date_ok: int = 0
    geo_ok: int = 0
    geo_n: int = 0
    weapon_ok: int = 0
    casualties_ok: int = 0
    outcome_ok: int = 0
    actor_ok: int = 0
    articles: int = 0
    misses: list[str] = field(default_factory=list)
    false_positives: list[str] = field(default_factory=list)
    wrong: list[str] = field(default_factory=list)
    pairs: list[tuple[str, str]] = field(default_factory=list)  # (gold key, predicted incident id) per match

    def ratio(self, num: int, den: int) -> float:
        """Return num/den, or 0 when den is 0."""
        return num / den if den else 0.0

    def metrics(self) -> dict[str, float]:
        """Return precision, recall, F1 and the per-field accuracies over matched incidents."""
        precision, recall = self.ratio(self.matched, self.predicted), self.ratio(self.matched, self.gold)
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        grouping = grouping_scores(self.pairs)
        return {
            "articles": self.articles,
            "gold incidents": self.gold,
            "predicted": self.predicted,
            "matched": self.matched,
            "precision": precision,
            "recall": recall,
            "F1": f1,
            "event date accuracy": self.ratio(self.date_ok, self.matched),
            "geo accuracy @5 km": self.ratio(self.geo_ok, self.geo_n),
            "weapon accuracy": self.ratio(self.weapon_ok, self.matched),
            "casualty accuracy": self.ratio(self.casualties_ok, self.matched),
            "outcome accuracy": self.ratio(self.outcome_ok, self.matched),
            "actor accuracy": self.ratio(self.actor_ok, self.matched),
            **grouping,
        }


def read_gold(path: Path | str | None = None) -> list[dict[str, Any]]:
    """Return the gold article records from a JSONL file or every *.jsonl file of a folder."""
    source = Path(path or DEFAULT_GOLD)
    files = sorted(source.glob("*.jsonl")) if source.is_dir() else [source]
    records = []
    for file in files:
        for number, line in enumerate(file.read_text("utf-8").splitlines(), start=1):
            if line.strip():
                try:
                    records.append(json.loads(line))
                except ValueError as error:
                    print(f"gold: {file}:{number}: {error}", file=sys.stderr)
    return records


def _km(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Return the great-circle distance in km between two (lat, lon) points."""
    return great_circle(a, b).km


def _find_article(gold: dict[str, Any], articles: pd.DataFrame) -> pd.Series | None:
    """Return the loaded article a gold record labels (by file, and title for multi-record files)."""
    path = str(gold["file"])
    rows = articles[articles["source_file"].str.split("#").str[0] == path]
    if len(rows) > 1 and gold.get("title"):
        titled = rows[rows["title"].str.strip() == str(gold["title"]).strip()]
        rows = titled if len(titled) else rows
    return rows.iloc[0] if len(rows) else None


_US = re.compile(r"^(?:the )?(?:U\.?S\.?|US|American|United States|Washington)(?: military| forces)?$", re.I)


def canonical_actor(name: Any) -> str:
    """Return an actor's canonical name (the lexicon's, so "US military" = "US forces"), '' when unnamed."""
    text = "" if name is None or (isinstance(name, float) and pd.isna(name)) else str(name).strip()
    if text.lower() in ("unknown", "unidentified", "unclaimed", "none"):
        return ""
    if _US.match(text):
        return "US forces"
    found = next((canonical for canonical, pattern in lx.ACTOR_PATTERNS if pattern.search(text)), None)
    return found or text.lower()


def _casualty_equal(gold: Any, predicted: Any) -> bool:
    """Return True when a gold and predicted casualty figure agree (both unstated counts as equal)."""
    g_missing = gold is None or (isinstance(gold, float) and pd.isna(gold))
    p_missing = predicted is None or pd.isna(predicted)
    if g_missing or p_missing:
        return g_missing and p_missing
    return int(gold) == int(predicted)


def _match(gold: list[dict[str, Any]], predicted: list[dict[str, Any]]) -> list[tuple[int, int]]:
    """Return (gold index, predicted index) pairs: closest places first, then closest dates, within MATCH_KM."""
    options = []
    for gi, g in enumerate(gold):
        for pi, p in enumerate(predicted):
            km = _km((g["latitude"], g["longitude"]), (float(p["latitude"]), float(p["longitude"])))
            if km > MATCH_KM:
                continue
            days = abs((date.fromisoformat(g["event_date"]) - date.fromisoformat(str(p["event_date"]))).days)
            options.append((round(km / GEO_KM), days, km, gi, pi))
    pairs, used_g, used_p = [], set(), set()
    for *_, gi, pi in sorted(options):
        if gi not in used_g and pi not in used_p:
            pairs.append((gi, pi))
            used_g.add(gi)
            used_p.add(pi)
    return pairs


def score_article(gold: dict[str, Any], predicted: list[dict[str, Any]], scores: Scores, where: str) -> None:
    """Add one article's matches, misses and false positives to the scores."""
    incidents = gold.get("incidents", [])
    scores.articles += 1
    scores.gold += len(incidents)
    scores.predicted += len(predicted)
    pairs = _match(incidents, predicted)
    for gi, pi in pairs:
        g, p = incidents[gi], predicted[pi]
        scores.matched += 1
        scores.pairs.append((str(g.get("key") or f"{where}#{gi}"), str(p["incident_id"])))
        problems = []
        if str(p["event_date"]) == g["event_date"]:
            scores.date_ok += 1
        else:
            problems.append(f"date {p['event_date']} != {g['event_date']}")
        km = _km((g["latitude"], g["longitude"]), (float(p["latitude"]), float(p["longitude"])))
        scores.geo_n += 1
        if km <= GEO_KM:
            scores.geo_ok += 1
        else:
            problems.append(f"place {p['location']} is {km:.0f} km from {g['place']}")
        if p["weapon"] == g.get("weapon"):
            scores.weapon_ok += 1
        else:
            problems.append(f"weapon {p['weapon']} != {g.get('weapon')}")
        scores.outcome_ok += str(p.get("outcome") or "unknown") == str(g.get("outcome") or "unknown")
        scores.actor_ok += canonical_actor(p.get("actor")) == canonical_actor(g.get("actor"))
        ok = _casualty_equal(g.get("fatalities"), p["fatalities"]) and _casualty_equal(g.get("injured"), p["injured"])
        if ok:
            scores.casualties_ok += 1
        else:
            problems.append(
                f"casualties {_fmt(p['fatalities'])}/{_fmt(p['injured'])} != "
                f"{_fmt(g.get('fatalities'))}/{_fmt(g.get('injured'))}"
            )
        if problems:
            scores.wrong.append(f"{where}: {g['place']}: " + "; ".join(problems))
    matched_g, matched_p = {gi for gi, _ in pairs}, {pi for _, pi in pairs}
    for gi, g in enumerate(incidents):
        if gi not in matched_g:
            scores.misses.append(f"{where}: {g['place']} {g['event_date']} {g.get('weapon')}: {g.get('evidence', '')}")
    for pi, p in enumerate(predicted):
        if pi not in matched_p:
            scores.false_positives.append(f"{where}: {p['location']} {p['event_date']}: {p['evidence']}")


def _fmt(value: Any) -> str:
    """Return a casualty figure for display ('-' when unstated)."""
    return "-" if value is None or pd.isna(value) else str(int(value))


def grouping_scores(pairs: list[tuple[str, str]]) -> dict[str, float]:
    """Return pairwise precision/recall of grouping reports into incidents against the gold keys."""
    same_gold = same_pred = both = 0
    for i in range(len(pairs)):
        for j in range(i + 1, len(pairs)):
            g, p = pairs[i][0] == pairs[j][0], pairs[i][1] == pairs[j][1]
            same_gold += g
            same_pred += p
            both += g and p
    return {
        "dedup pair precision": both / same_pred if same_pred else 1.0,
        "dedup pair recall": both / same_gold if same_gold else 1.0,
    }


def evaluate_extraction(
    gold_path: Path | str | None = None, gazetteer: Gazetteer | None = None, base: Path | str | None = None
) -> Scores:
    """Run the pipeline on every article the gold labels and return the scores.

    Gold `file` paths are relative to `base` (default: the repository).
    """
    root = Path(base or REPO_DIR).resolve()
    gold = read_gold(gold_path)
    files = sorted({str(g["file"]).split("#")[0] for g in gold})
    loaded = load_articles([root / f for f in files])
    articles = loaded.articles.copy()
    articles["source_file"] = [str(Path(s.split("#")[0]).resolve().relative_to(root)) + (
        "#" + s.split("#")[1] if "#" in s else "") for s in articles["source_file"]]
    reports = assign_incidents(extract_reports(articles, gazetteer or load_gazetteer()))
    by_article = {k: v.to_dict(orient="records") for k, v in reports.groupby("article_id")} if len(reports) else {}
    scores = Scores()
    for record in gold:
        article = _find_article(record, articles)
        where = f"{record['file']}" + (f" [{record.get('title')}]" if "#" in str(record["file"]) else "")
        if article is None:
            print(f"gold: no loaded article for {where}", file=sys.stderr)
            continue
        score_article(record, by_article.get(article["article_id"], []), scores, where)
    return scores


def machine_line() -> str:
    """Return a one-line description of this machine and today's date."""
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    import os

    return (f"{date.today().isoformat()} on {cpu} ({os.cpu_count()} logical CPUs), "
            f"Python {platform.python_version()}, {platform.system()} {platform.release()}")


def format_report(metrics: dict[str, float], scores: Scores, trnews: str, verbose: bool) -> str:
    """Return the quality report as markdown."""
    lines = ["# Quality", "", f"Measured {machine_line()} with `python -m dashboard evaluate`.", "",
             "## Extraction on the sample corpus (tests/gold/)", "", "| metric | value |", "|---|---|"]
    for name, value in metrics.items():
        lines.append(f"| {name} | {value:.3f} |" if isinstance(value, float) else f"| {name} | {value} |")
    lines += ["", "Targets: F1 >= 0.95, date >= 0.95, geo@5km >= 0.95, weapon >= 0.9, casualties >= 0.9.", ""]
    if verbose:
        for title, items in (("Missed incidents", scores.misses), ("False positives", scores.false_positives),
                             ("Matched with wrong fields", scores.wrong)):
            lines += [f"### {title} ({len(items)})", ""] + [f"- {item}" for item in items] + [""]
    lines += ["## Articles the rules were not written on", "",
              "The sample corpus is what the rules were developed on. Scores on article sets written and labelled "
              "by separate authors and kept outside the repository, first contact and now, are in "
              "[HELDOUT.md](HELDOUT.md).", ""]
    if trnews:
        lines += [trnews, ""]
    return "\n".join(lines)


def run_evaluation(gold: str | None, trnews_path: str | None, write: str | None, verbose: bool = True,
                   base: str | None = None) -> int:
    """Evaluate extraction (and TR-News geocoding when the file is there); print and optionally write markdown."""
    gazetteer = load_gazetteer()
    scores = evaluate_extraction(gold, gazetteer, base)
    metrics = scores.metrics()
    trnews = ""
    path = Path(trnews_path) if trnews_path else DEFAULT_TRNEWS
    if path.exists():
        from dashboard.geoeval import evaluate_trnews, format_trnews_markdown

        trnews = format_trnews_markdown(evaluate_trnews(path, gazetteer))
    else:
        print(f"TR-News not found at {path}; skipping the geocoding benchmark", file=sys.stderr)
    report = format_report(metrics, scores, trnews, verbose)
    print(report)
    if write:
        from dashboard.store import atomic_write_text

        atomic_write_text(write, report + "\n")
    return 0
