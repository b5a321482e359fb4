"""The whole offline pipeline: article files -> articles, reports and incidents tables."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from dashboard.articles import Problem, load_articles
from dashboard.extract import extract_reports
from dashboard.geocode import Gazetteer, load_gazetteer
from dashboard.incidents import assign_incidents, summarize_incidents

Progress = Callable[[int, int, str], None]


@dataclass
class Tables:
    """The tables the dashboard shows, plus what went wrong loading them."""

    articles: pd.DataFrame
    reports: pd.DataFrame
    incidents: pd.DataFrame
    problems: list[Problem] = field(default_factory=list)
    orphans: list[dict[str, Any]] = field(default_factory=list)


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
    reports = assign_incidents(extract_reports(loaded.articles, gazetteer, progress))
    return Tables(loaded.articles, reports, summarize_incidents(reports), list(loaded.problems))
