"""Load the app's tables: inputs from the environment, cached on their fingerprint, with a progress bar."""

from __future__ import annotations

import os
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import streamlit as st

from dashboard import DATA_DIR, DEFAULT_INPUTS, store
from dashboard.aggregate import incident_article_pairs
from dashboard.query import LIST_FILTERS, effective_dates, value_counts

ENV_INPUTS = "INCIDENT_DASHBOARD_INPUTS"  # ":"-separated files/folders replacing seeds/ + data/articles/
ENV_DATA = "INCIDENT_DASHBOARD_DATA"  # output folder (built tables, uploads/, corrections/); default data/
ENV_SYNTHETIC = "INCIDENT_DASHBOARD_SYNTHETIC"  # n > 0: use n synthetic incidents (benchmarks)
SESSION_KEY = "_dashboard_tables"
MEMO_SIZE = 120  # remembered view parts: about 6 per filter state (rows, map, timeline, headline, table, csv)
Progress = Callable[[int, int, str], None]
Memo = Callable[[Hashable, Callable[[], Any]], Any]  # (part key, compute) -> value, maybe remembered


def compute_now(key: Hashable, compute: Callable[[], Any]) -> Any:
    """Return compute() (the Memo that remembers nothing)."""
    return compute()


def data_dir() -> Path:
    """Return the folder that holds built tables, uploads and corrections."""
    return Path(os.environ.get(ENV_DATA) or DATA_DIR)


def uploads_dir() -> Path:
    """Return the folder uploaded articles are saved to."""
    return store.uploads_dir(data_dir())


def input_paths() -> list[Path]:
    """Return the article inputs: the environment's list (or the defaults) plus the uploads folder."""
    raw = os.environ.get(ENV_INPUTS, "")
    paths = [Path(p) for p in raw.split(os.pathsep) if p] if raw else list(DEFAULT_INPUTS)
    return [*paths, uploads_dir()]


def synthetic_size() -> int:
    """Return the number of synthetic incidents requested through the environment (0 = real data)."""
    try:
        return max(0, int(os.environ.get(ENV_SYNTHETIC, "0")))
    except ValueError:
        return 0


def inputs_key(online: bool = False) -> str:
    """Return the fingerprint of every input the tables depend on (articles, uploads, corrections, online)."""
    watched = [*input_paths(), data_dir() / "corrections"]
    return store.fingerprint(watched, extra=f"{data_dir()}|{synthetic_size()}|online={online}")


def build_tables(paths: list[Path], out_dir: Path, synthetic: int, progress: Progress | None,
                 online: bool = False) -> Any:
    """Return Tables for the inputs (store.load_tables; synthetic tables when asked for)."""
    if synthetic:
        from dashboard.synthetic import synthetic_tables

        return synthetic_tables(synthetic)
    return store.load_tables(paths, out_dir=out_dir, progress=progress, corrections_dir=out_dir / "corrections",
                             online=online)


def build_is_stale(paths: list[Path], out_dir: Path, synthetic: int, online: bool = False) -> bool:
    """Return True when the tables on disk do not match the inputs (a build with progress is needed)."""
    if synthetic:
        return False
    return store.read_build_info(out_dir).get("fingerprint") != store.inputs_fingerprint(paths, online)


@st.cache_resource(show_spinner=False, max_entries=2)
def _shared_loaded(key: str, paths: tuple[str, ...], out_dir: str, synthetic: int, online: bool = False) -> Loaded:
    """Return the tables and their lookups for an inputs fingerprint, shared by every session (never mutated).

    st.cache_resource hands out the same object (st.cache_data would unpickle a copy for each session: about
    180 ms at 100k incidents, plus deriving the lookups again), so a new browser tab starts at once.
    """
    return derive(build_tables([Path(p) for p in paths], Path(out_dir), synthetic, None, online))


def _build_with_progress(paths: list[Path], out_dir: Path, online: bool = False) -> None:
    """Build the tables on disk while showing a progress bar (outside st.cache_data, which replays)."""
    bar = st.progress(0.0, text="Building incident tables from the articles...")

    def progress(done: int, total: int, message: str) -> None:
        """Show build progress as a bar with the current step."""
        fraction = min(1.0, done / total) if total else 0.0
        bar.progress(fraction, text=f"Building incident tables: {message} ({done}/{total})")

    build_tables(paths, out_dir, 0, progress, online)
    bar.empty()


@dataclass
class ViewData:
    """Per-table lookups computed once per load: effective dates, newest-first order, option counts."""

    dates: pd.Series
    order: np.ndarray
    counts: dict[str, dict[str, int]]

    def dates_of(self, rows: pd.DataFrame) -> pd.Series:
        """Return the effective dates of some rows of this table."""
        return self.dates if len(rows) == len(self.dates) else self.dates.loc[rows.index]

    def newest(self, base: pd.DataFrame, rows: pd.DataFrame, limit: int) -> pd.Index:
        """Return the index labels of the newest `limit` rows (rows is a subset of base)."""
        chosen = np.zeros(len(base), dtype=bool)
        chosen[base.index.get_indexer(rows.index)] = True
        return base.index[self.order[chosen[self.order]][:limit]]


@dataclass
class Loaded:
    """The tables plus lookups derived from them once per load (titles, article pairs, per-view data).

    memo remembers view parts (filtered rows, figures, table...) by filter state for every session, so going
    back to an earlier filter (reset, undo, another tab with the same URL) does not recompute them.
    """

    tables: Any
    titles: dict[str, str]
    pairs: pd.DataFrame
    views: dict[str, ViewData]
    memo: OrderedDict = field(default_factory=OrderedDict, repr=False)
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def remember(self, key: Hashable, compute: Callable[[], Any]) -> Any:
        """Return the remembered value for key, computing (and keeping) it first when it is new.

        Values are shared between sessions: callers must not mutate them.
        """
        with self.lock:
            if key in self.memo:
                self.memo.move_to_end(key)
                return self.memo[key]
        value = compute()
        with self.lock:
            self.memo[key] = value
            while len(self.memo) > MEMO_SIZE:
                self.memo.popitem(last=False)
        return value


def view_data(df: pd.DataFrame) -> ViewData:
    """Return the lookups for one table."""
    dates = effective_dates(df)
    order = np.argsort(dates.to_numpy(dtype=object, na_value=""), kind="stable")[::-1].copy()
    counts = {column: value_counts(df, column) for _, column in LIST_FILTERS.values()}
    return ViewData(dates, order, counts)


def derive(tables: Any) -> Loaded:
    """Return the tables (with a fresh 0..n-1 index) and their derived lookups."""
    tables.incidents = tables.incidents.reset_index(drop=True)
    tables.reports = tables.reports.reset_index(drop=True)
    pairs = incident_article_pairs(tables.incidents, tables.reports)
    views = {"incidents": view_data(tables.incidents), "reports": view_data(tables.reports)}
    return Loaded(tables, article_titles(tables.articles), pairs, views)


def load_tables(online: bool = False) -> Loaded:
    """Return the tables, rebuilding (with a progress bar) only when the inputs' fingerprint changed.

    Every session shares one Loaded per fingerprint (see _shared_loaded); the tables are never mutated.
    online: also ask Nominatim for place names the offline gazetteer lacks (rate-limited, cached on disk).
    """
    key = inputs_key(online)
    held = st.session_state.get(SESSION_KEY)
    if held is not None and held[0] == key:
        return held[1]
    uploads_dir().mkdir(parents=True, exist_ok=True)
    paths, out_dir, synthetic = input_paths(), data_dir(), synthetic_size()
    if build_is_stale(paths, out_dir, synthetic, online):
        _build_with_progress(paths, out_dir, online)
    loaded = _shared_loaded(key, tuple(str(p) for p in paths), str(out_dir), synthetic, online)
    st.session_state[SESSION_KEY] = (key, loaded)
    return loaded


def forget_tables() -> None:
    """Drop cached tables so the next run reloads them (after an upload or a correction)."""
    _shared_loaded.clear()
    st.session_state.pop(SESSION_KEY, None)


def article_titles(articles: pd.DataFrame) -> dict[str, str]:
    """Return {article_id: title} for hover labels."""
    if articles is None or articles.empty:
        return {}
    return dict(zip(articles["article_id"].astype(str), articles["title"].fillna("").astype(str), strict=False))
