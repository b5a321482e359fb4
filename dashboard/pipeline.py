"""The whole offline pipeline: article files -> articles, reports and incidents tables."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from dashboard.articles import Problem, load_articles
from dashboard.extract import empty_reports, extract_article
from dashboard.geocode import Gazetteer, load_gazetteer
from dashboard.incidents import assign_incidents, summarize_incidents
from dashboard.schema import REPORT_COLUMNS, REPORT_DTYPES

Progress = Callable[[int, int, str], None]


@dataclass
class Tables:
    """The tables the dashboard shows, plus what went wrong loading them."""

    articles: pd.DataFrame
    reports: pd.DataFrame
    incidents: pd.DataFrame
    problems: list[Problem] = field(default_factory=list)
    orphans: list[dict[str, Any]] = field(default_factory=list)


def extract_table(articles: pd.DataFrame, gazetteer: Gazetteer, progress: Progress | None = None) -> pd.DataFrame:
    """Return the report table for an article table, calling progress every few hundred articles."""
    rows: list[dict[str, Any]] = []
    records = articles.to_dict(orient="records")
    for done, article in enumerate(records, start=1):
        rows.extend(extract_article(article, gazetteer))
        if progress and (done % 200 == 0 or done == len(records)):
            progress(done, len(records), f"extracted {done}/{len(records)} articles")
    if not rows:
        return empty_reports()
    return pd.DataFrame({c: pd.array([row[c] for row in rows], dtype=REPORT_DTYPES[c]) for c in REPORT_COLUMNS})


def build_tables(
    paths: Sequence[Path | str],
    online: bool = False,
    progress: Progress | None = None,
    gazetteer: Gazetteer | None = None,
) -> Tables:
    """Load, extract, geocode and group: return the articles, reports and incidents tables."""
    loaded = load_articles(paths)
    if progress:
        progress(0, len(loaded.articles), f"loaded {len(loaded.articles)} articles")
    gazetteer = gazetteer or load_gazetteer(online=online)
    reports = assign_incidents(extract_table(loaded.articles, gazetteer, progress))
    return Tables(loaded.articles, reports, summarize_incidents(reports), list(loaded.problems))
