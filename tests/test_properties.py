"""Property-based tests (hypothesis): loading, extraction, CSV export and the reader never misbehave."""

from __future__ import annotations

import html
import io
import json
import re
import tempfile
from functools import cache
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dashboard.export import FORMULA_PREFIXES, neutralise_formula, safe_frame, to_csv_bytes
from dashboard.schema import ARTICLE_COLUMNS

FAST = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
SUFFIXES = [".txt", ".md", ".json", ".jsonl", ".csv", ".html", ".bin", ""]
# Text without lone surrogates (cannot exist in decoded files or UTF-8 output).
TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=300)
TEXT_NO_CR = TEXT  # export.to_csv_bytes quotes cells holding a bare CR, so every text round-trips
INCIDENT_WORDS = [
    "A rocket attack hit Ain al-Asad air base on Monday, killing 2 soldiers.",
    "Drones targeted Erbil airport on 4 January 2024; air defences intercepted them.",
    "Three mortar rounds struck near the US embassy in Baghdad.",
    "The Islamic Resistance in Iraq claimed the attack on Harir base.",
    "Date: 2024-01-21\n", "\n\n", " ", "<script>alert(1)</script>", "=cmd|' /C calc'!A0", "\u200b", "é", "\r\n",
]
INCIDENT_TEXT = st.lists(st.one_of(st.sampled_from(INCIDENT_WORDS), TEXT), max_size=8).map("".join)
JSONISH = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | TEXT,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.sampled_from(["text", "title", "date", "url", "x"]),
                                                                  inner, max_size=4),
    max_leaves=10,
)


# --- loading ---------------------------------------------------------------------------------------

articles = pytest.importorskip("dashboard.articles")


def _check_result(result) -> None:
    """Assert a LoadResult is well formed: the schema's columns, string problems naming a file."""
    assert list(result.articles.columns) == ARTICLE_COLUMNS
    assert all(str(p.file) and str(p.reason) for p in result.problems)
    assert result.articles["article_id"].is_unique


@FAST
@given(data=st.binary(max_size=2000), suffix=st.sampled_from(SUFFIXES))
def test_load_bytes_never_raises_on_bytes(data: bytes, suffix: str) -> None:
    _check_result(articles.load_bytes(f"upload{suffix}", data))


@FAST
@given(text=INCIDENT_TEXT, suffix=st.sampled_from(SUFFIXES), encoding=st.sampled_from(["utf-8", "utf-16", "latin-1"]))
def test_load_bytes_never_raises_on_text(text: str, suffix: str, encoding: str) -> None:
    _check_result(articles.load_bytes(f"a{suffix}", text.encode(encoding, errors="replace")))


@FAST
@given(value=JSONISH, suffix=st.sampled_from([".json", ".jsonl"]), cut=st.integers(0, 50))
def test_load_bytes_never_raises_on_json_or_truncated_json(value, suffix: str, cut: int) -> None:
    data = json.dumps(value).encode()
    _check_result(articles.load_bytes(f"a{suffix}", data))
    _check_result(articles.load_bytes(f"a{suffix}", data[: max(0, len(data) - cut)]))


@FAST
@given(rows=st.lists(st.lists(TEXT, min_size=1, max_size=4), max_size=5),
       header=st.lists(st.sampled_from(["text", "title", "date", "body", "x", ""]), min_size=1, max_size=4))
def test_load_bytes_never_raises_on_csv(rows: list[list[str]], header: list[str]) -> None:
    buffer = io.StringIO()
    pd.DataFrame([(row + [""] * 4)[:4] for row in rows]).to_csv(buffer, index=False, header=False)
    _check_result(articles.load_bytes("a.csv", (",".join(header) + "\n" + buffer.getvalue()).encode()))


@settings(max_examples=30, deadline=None)
@given(files=st.lists(st.tuples(st.sampled_from(SUFFIXES), st.binary(max_size=500)), max_size=4))
def test_load_articles_never_raises_on_a_folder(files: list[tuple[str, bytes]]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        for n, (suffix, data) in enumerate(files):
            (Path(folder) / f"f{n}{suffix}").write_bytes(data)
        _check_result(articles.load_articles([folder, Path(folder) / "missing.txt"]))


# --- extraction ------------------------------------------------------------------------------------


@cache
def _gazetteer():
    """Return the offline gazetteer, loaded once for the module (hypothesis forbids function fixtures)."""
    geocode = pytest.importorskip("dashboard.geocode")
    return geocode.load_gazetteer()


@FAST
@given(text=INCIDENT_TEXT, published=st.sampled_from(["", "2024-01-22", "1850-01-01", "2999-12-31", "garbage"]))
def test_extraction_never_raises_and_evidence_points_inside_article(text: str, published: str) -> None:
    extract = pytest.importorskip("dashboard.extract")
    loaded = articles.load_bytes("a.txt", (f"Date: {published}\n" if published else "").encode() + text.encode())
    reports = extract.extract_reports(loaded.articles, _gazetteer())
    texts = dict(zip(loaded.articles["article_id"], loaded.articles["text"], strict=True))
    for report in reports.to_dict(orient="records"):
        body = texts[report["article_id"]]
        start, end = int(report["evidence_start"]), int(report["evidence_end"])
        assert 0 <= start <= end <= len(body)
        assert body[start:end] == report["evidence"]


# --- CSV export ------------------------------------------------------------------------------------

CELL = st.one_of(st.none(), TEXT_NO_CR, st.sampled_from(["=1+1", "+44", "-3", "@SUM(A1)", "\tx", "'=quoted"]))


def _read_back(frame: pd.DataFrame) -> pd.DataFrame:
    """Return the frame exported with to_csv_bytes and read back by pandas as strings."""
    return pd.read_csv(io.BytesIO(to_csv_bytes(frame)), dtype="string", keep_default_na=False)


@FAST
@given(cells=st.lists(st.tuples(CELL, CELL, st.none() | st.integers(0, 10**6), st.none() | st.floats(-90, 90)),
                      max_size=6))
def test_csv_export_round_trips_modulo_formula_neutralisation(cells) -> None:
    frame = pd.DataFrame(cells, columns=["location", "evidence", "fatalities", "latitude"])
    frame = frame.astype({"location": "string", "evidence": "string", "fatalities": "Int64", "latitude": "Float64"})
    back = _read_back(frame)
    assert list(back.columns) == list(frame.columns) and len(back) == len(frame)
    for column in ("location", "evidence"):
        expected = ["" if pd.isna(v) else neutralise_formula(v) for v in frame[column]]
        assert back[column].tolist() == expected
    assert [int(v) if v else None for v in back["fatalities"]] == [
        None if pd.isna(v) else int(v) for v in frame["fatalities"]]
    assert [float(v) if v else None for v in back["latitude"]] == [
        None if pd.isna(v) else float(v) for v in frame["latitude"]]


@FAST
@given(value=TEXT_NO_CR, prefix=st.sampled_from([p for p in FORMULA_PREFIXES if p != "\r"]))
def test_formula_prefixes_are_always_neutralised(value: str, prefix: str) -> None:
    for text in (prefix + value, value):
        # two columns: a one-column row of only spaces reads back in pandas as a blank line, i.e. no row
        cell = _read_back(pd.DataFrame({"notes": pd.array([text], dtype="string"), "n": [1]}))["notes"].iloc[0]
        assert not cell.startswith(FORMULA_PREFIXES)
        assert cell in (text, "'" + text)


@FAST
@given(value=TEXT, prefix=st.sampled_from(FORMULA_PREFIXES))
def test_formula_prefixes_are_neutralised_in_the_exported_values(value: str, prefix: str) -> None:
    safe = safe_frame(pd.DataFrame({"notes": pd.array([prefix + value], dtype="string"), "n": [-1]}))
    assert safe["notes"].iloc[0] == "'" + prefix + value and safe["n"].iloc[0] == -1


def test_csv_export_round_trips_carriage_returns() -> None:
    frame = pd.DataFrame({"evidence": pd.array(["Rockets\rhit Harir", "\r"], dtype="string"), "n": [1, 2]})
    back = _read_back(frame)
    assert back["evidence"].tolist() == ["Rockets\rhit Harir", "'\r"] and back["n"].tolist() == ["1", "2"]


# --- hostile HTML in the reader --------------------------------------------------------------------

OUR_TAGS = re.compile(r'<div class="article-text">|</div>|<span class="(?:ev|pl|ev pl)">|</span>'
                      r'|<h4 class="article-title">|</h4>|<p class="article-meta">|</p>')
HOSTILE = st.lists(st.one_of(TEXT, st.sampled_from([
    "<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "</div><iframe src=//evil>", "&lt;b&gt;",
    '"><svg onload=alert(1)>', "<a href='javascript:alert(1)'>x</a>", "<!--", "]]>", "<style>*{}</style>",
])), max_size=6).map("".join)


@FAST
@given(text=HOSTILE, spans=st.lists(st.tuples(st.integers(-5, 400), st.integers(-5, 400)), max_size=5))
def test_hostile_html_in_an_article_is_never_rendered(text: str, spans: list[tuple[int, int]]) -> None:
    reader = pytest.importorskip("dashboard.ui.reader")
    out = reader.highlight_html(text, spans, list(reversed(spans)))
    rest = OUR_TAGS.sub("", out)
    assert "<" not in rest and ">" not in rest  # every tag left is one the reader made itself
    assert html.unescape(rest) == text  # nothing dropped or reordered


@FAST
@given(title=HOSTILE, source=HOSTILE)
def test_hostile_title_and_source_are_escaped(title: str, source: str) -> None:
    reader = pytest.importorskip("dashboard.ui.reader")
    out = reader.article_header_html(pd.Series({"title": title, "source": source, "published": "", "source_file": ""}))
    rest = OUR_TAGS.sub("", out)
    assert "<" not in rest and ">" not in rest
