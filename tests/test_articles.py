"""Tests for dashboard.articles: formats, cleaning, titles, dates, ids, dedupe and every bad input."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dashboard.articles import (
    LoadResult,
    Problem,
    clean_text,
    load_articles,
    load_bytes,
    parse_published,
    split_title,
)
from dashboard.schema import ARTICLE_COLUMNS

FIXTURES = Path(__file__).parent / "fixtures"
SEED = Path(__file__).parents[1] / "seeds" / "000_37f618c61b349a7a.txt"
GOOD_TEXT = "date 2024-03-28\nDrone strike on Harir base\n\nA drone hit the Harir base in Erbil on Thursday.\n"


def _write(folder: Path, name: str, data: str | bytes) -> Path:
    """Write text or bytes to folder/name and return the path."""
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(data, bytes):
        path.write_bytes(data)
    else:
        path.write_text(data, encoding="utf-8")
    return path


def _reasons(result: LoadResult) -> list[str]:
    """Return the problem reasons of a load result."""
    return [p.reason for p in result.problems]


# --- whole-output comparison ---------------------------------------------------------------------


def test_fixture_folder_loads_to_expected_table(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(FIXTURES)
    result = load_articles(["articles"])
    assert list(result.articles.columns) == ARTICLE_COLUMNS
    assert result.articles.to_dict("records") == [
        {
            "article_id": "30756064f428ad0a",
            "source_file": "articles/attack.txt",
            "title": "Rockets target Ain al-Asad air base",
            "published": "2024-01-21",
            "url": "",
            "source": "",
            "text": "BAGHDAD, Jan. 21 -- Several rockets were fired at Ain al-Asad air base in Anbar province"
            " on Saturday evening, security officials said.\n\nNo casualties were reported.",
        },
        {
            "article_id": "61e3b99800f261ca",
            "source_file": "articles/feed.jsonl#1",
            "title": "Drone downed near Erbil airport",
            "published": "2024-01-04",
            "url": "https://example.org/erbil",
            "source": "Example Wire",
            "text": "ERBIL, Jan 4 -- A drone was shot down near Erbil airport late on Thursday.",
        },
        {
            "article_id": "60ea44fce24b3c44",
            "source_file": "articles/feed.jsonl#3",
            "title": "Two rockets landed near Harir base yesterday.",
            "published": "",
            "url": "",
            "source": "",
            "text": "Two rockets landed near Harir base yesterday. Nobody was hurt.",
        },
        {
            "article_id": "776827c529d7be0b",
            "source_file": "articles/table.csv#2",
            "title": "Attack on Tower 22",
            "published": "2024-01-28",
            "url": "",
            "source": "",
            "text": "Three US soldiers were killed\nin a drone attack on Tower 22 in Jordan on Sunday.",
        },
    ]
    assert result.problems == [
        Problem("articles/feed.jsonl", 2, "malformed JSON: Expecting value (column 36)"),
        Problem("articles/feed.jsonl", 3, "impossible date '2024-02-30'; published left empty"),
    ]


def test_seed_article() -> None:
    result = load_articles([SEED])
    assert result.problems == []
    row = result.articles.iloc[0]
    assert row["published"] == "2024-03-30"
    assert row["text"].startswith("Amidst evolving security dynamics in Iraq")
    assert "Advertisment" not in row["text"]
    assert "\n\n\n" not in row["text"]
    assert row["title"] == "Amidst evolving security dynamics in Iraq, the statement from the Deputy…"
    assert "Harir, Irbil" in row["text"]


def test_empty_input_gives_empty_table_with_columns() -> None:
    result = load_articles([])
    assert list(result.articles.columns) == ARTICLE_COLUMNS
    assert len(result.articles) == 0 and result.problems == []


# --- cleaning ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "line",
    [
        "Advertisement",
        "Advertisment",
        "ADVERTISEMENT",
        "Share this article",
        "Share this article on Facebook",
        "Read more",
        "Read More: US troops attacked in Syria",
        "Check Also",
        "Check Also Iraq says it needs fewer foreign troops",
        "Leave a Reply",
        "Subscribe",
        "Subscribe to our newsletter",
        "Related: Drone attack on Tower 22",
        "Related Articles: more news",
        "Click here to read the full report",
        "We use cookies to improve your experience.",
        "This website uses cookies. Accept all cookies",
    ],
)
def test_clean_text_drops_boilerplate_line(line: str) -> None:
    raw = f"First paragraph.\n\n{line}\n\nSecond paragraph."
    assert clean_text(raw) == "First paragraph.\n\nSecond paragraph."


@pytest.mark.parametrize(
    "line",
    [
        "Read more about the attack in the statement issued on Monday.",
        "Subscribers to the channel shared the video.",
        "Advertisement boards near the base were damaged.",
    ],
)
def test_clean_text_keeps_real_sentences(line: str) -> None:
    assert clean_text(f"Intro.\n{line}") == f"Intro.\n{line}"


def test_clean_text_normalises_whitespace() -> None:
    raw = "\ufeff  A\u00a0drone\u200b  hit\t\tthe  base. \r\nSecond\rline\r\n\r\n\r\n\n\nNew   paragraph.  \n\n"
    assert clean_text(raw) == "A drone hit the base.\nSecond\nline\n\nNew paragraph."


@given(st.one_of(st.text(alphabet=list("ab .\n\t\r\u00a0\u200b"), max_size=80), st.text(max_size=80)))
def test_clean_text_is_idempotent(raw: str) -> None:
    once = clean_text(raw)
    assert clean_text(once) == once
    assert "\n\n\n" not in once and "  " not in once


# --- titles --------------------------------------------------------------------------------------


def test_short_first_line_is_title_and_leaves_body() -> None:
    assert split_title("Rocket attack on base\nRockets hit the base.") == (
        "Rocket attack on base",
        "Rockets hit the base.",
    )


def test_markdown_heading_is_title(tmp_path: Path) -> None:
    path = _write(tmp_path, "a.md", "# Attack on Al-Tanf\n\nDrones attacked the garrison at al-Tanf.\n")
    row = load_articles([path]).articles.iloc[0]
    assert (row["title"], row["text"]) == ("Attack on Al-Tanf", "Drones attacked the garrison at al-Tanf.")


@pytest.mark.parametrize(
    "text",
    [
        "A single line that ends with a period.\nMore text follows here.",  # final period
        "Only one line, no title",  # nothing follows
        "x" * 121 + "\nMore text.",  # too long
    ],
)
def test_first_line_not_title_when_sentence_alone_or_long(text: str) -> None:
    title, body = split_title(text)
    assert body == text
    assert len(title) <= 81


def test_derived_title_cuts_first_sentence_at_word() -> None:
    title, _ = split_title("Word " * 40 + "end. Second sentence.")
    assert title.endswith("Word…") and len(title) <= 81


# --- formats -------------------------------------------------------------------------------------


def test_json_object_list_and_articles_key(tmp_path: Path) -> None:
    _write(tmp_path, "one.json", json.dumps({"text": "Rocket hit base.", "published": "2024-03-01T22:15:00+03:00"}))
    _write(tmp_path, "list.json", json.dumps([{"text": "First."}, {"text": "Second.", "title": "T2"}]))
    _write(tmp_path, "wrapped.json", json.dumps({"articles": [{"text": "Wrapped."}]}))
    result = load_articles([tmp_path])
    rows = result.articles.set_index("source_file")
    assert result.problems == []
    assert rows.loc[str(tmp_path / "one.json"), "published"] == "2024-03-01"
    assert rows.loc[str(tmp_path / "list.json#2"), "title"] == "T2"
    assert rows.loc[str(tmp_path / "list.json#1"), "title"] == "First."
    assert rows.loc[str(tmp_path / "wrapped.json#1"), "text"] == "Wrapped."


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2024-03-30", "2024-03-30"),
        ("30 March 2024", "2024-03-30"),
        ("March 30, 2024", "2024-03-30"),
        ("2024-03-30T23:59:00Z", "2024-03-30"),
        ("Sat, 30 Mar 2024 10:00:00 GMT", "2024-03-30"),
        ("", ""),
    ],
)
def test_parse_published_accepts(raw: str, expected: str) -> None:
    assert parse_published(raw, today=date(2024, 4, 1)) == (expected, None)


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        ("2024-02-30", "impossible date"),
        ("30 February 2024", "impossible date"),
        ("soon", "unparseable date"),
        ("March", "unparseable date"),
        ("2024-04-02", "date in the future"),
        ("1850-01-01", "date before 1900"),
    ],
)
def test_parse_published_rejects(raw: str, reason: str) -> None:
    published, problem = parse_published(raw, today=date(2024, 4, 1))
    assert published == "" and problem is not None and problem.startswith(reason)


def test_csv_with_quoted_newlines_and_line_numbers(tmp_path: Path) -> None:
    data = 'text,title,url\n"Line one\nline two",A,https://a.example\n"Third",B,\n'
    path = _write(tmp_path, "t.csv", data)
    result = load_articles([path])
    assert result.articles["source_file"].tolist() == [f"{path}#2", f"{path}#4"]
    assert result.articles["text"].tolist() == ["Line one\nline two", "Third"]
    assert result.articles["url"].tolist() == ["https://a.example", ""]


def test_load_bytes_uses_extension() -> None:
    json_result = load_bytes("up.jsonl", b'{"text": "Uploaded one."}\n{"text": "Uploaded two."}\n')
    assert json_result.articles["source_file"].tolist() == ["up.jsonl#1", "up.jsonl#2"]
    txt_result = load_bytes("up.txt", GOOD_TEXT.encode())
    assert txt_result.articles.iloc[0]["published"] == "2024-03-28"
    assert _reasons(load_bytes("up.pdf", b"%PDF-1.4")) == ["unsupported file type"]
    assert _reasons(load_bytes("big.txt", b"x" * 11, max_bytes=10))[0].startswith("file too large")


# --- folders, ids, duplicates ----------------------------------------------------------------------


def test_folder_recursion_skips_hidden_readme_and_unknown(tmp_path: Path) -> None:
    _write(tmp_path, "b/z.txt", "Z article text.")
    _write(tmp_path, "a.txt", "A article text.")
    _write(tmp_path, ".hidden.txt", "Hidden text.")
    _write(tmp_path, ".git/x.txt", "In a hidden folder.")
    _write(tmp_path, "README.md", "# Docs\n\nNot an article.")
    _write(tmp_path, "notes.docx", b"PK\x03\x04")
    result = load_articles([tmp_path])
    assert result.articles["text"].tolist() == ["A article text.", "Z article text."]
    assert result.problems == []


def test_relative_paths_are_kept(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _write(tmp_path, "data/articles/x.jsonl", '{"text": "one"}\n\n{"text": "three"}\n')
    monkeypatch.chdir(tmp_path)
    result = load_articles(["data/articles"])
    assert result.articles["source_file"].tolist() == ["data/articles/x.jsonl#1", "data/articles/x.jsonl#3"]


def test_article_id_is_stable_and_duplicates_are_dropped(tmp_path: Path) -> None:
    first = _write(tmp_path, "a.txt", GOOD_TEXT)
    copy = _write(tmp_path, "copy.txt", "  " + GOOD_TEXT.replace("\n\n", "\n\nAdvertisement\n\n"))
    as_json = _write(
        tmp_path,
        "same.json",
        json.dumps({"title": "Drone strike on Harir base", "text": "A drone hit the Harir base in Erbil on Thursday."}),
    )
    result = load_articles([first, copy, as_json])
    assert len(result.articles) == 1
    assert result.articles.iloc[0]["source_file"] == str(first)
    assert _reasons(result) == [f"duplicate of {first}; skipped"] * 2
    again = load_articles([first]).articles.iloc[0]["article_id"]
    assert again == result.articles.iloc[0]["article_id"] and len(again) == 16
    other = load_articles([_write(tmp_path, "other.txt", GOOD_TEXT.replace("Thursday", "Friday"))])
    assert other.articles.iloc[0]["article_id"] != again


def test_explicit_file_is_loaded_even_if_hidden(tmp_path: Path) -> None:
    path = _write(tmp_path, ".x.txt", "Explicit text.")
    assert load_articles([path]).articles["text"].tolist() == ["Explicit text."]


# --- bad inputs: the run finishes, good articles are kept, the bad file is reported ---------------------

BAD_INPUTS = [
    ("empty.txt", b"", None, "empty file"),
    ("blank.txt", b"   \n\n  ", None, "empty file"),
    ("binary.txt", bytes(range(256)) * 4, None, "binary file, not text"),
    ("controls.json", b"\x01\x02\x03\x04\x05\x06" * 50, None, "binary file, not text"),
    ("bad.json", b'{"text": "x",\n  "title": }', 2, "malformed JSON: Expecting value (line 2, column 12)"),
    ("bad.jsonl", b'{"text": "ok one"}\n{"text": \n', 2, "malformed JSON: Expecting value (column 10)"),
    ("notext.jsonl", b'{"title": "no body"}\n', 1, "no text"),
    ("blanktext.json", b'[{"text": "  Advertisement  "}]', None, "record 1: no text"),
    ("scalar.json", b"[1]", None, "record 1: not a JSON object"),
    ("notext.csv", b"title,url\nA,b\n", 1, "no 'text' column"),
    ("baddate.jsonl", b'{"text": "kept", "date": "next week"}\n', 1, "unparseable date"),
    ("impossible.txt", b"date 2024-02-30 Kept article.", 1, "impossible date"),
    ("future.json", b'{"text": "kept", "date": "2999-01-01"}', None, "date in the future"),
    ("old.csv", b'text,date\nkept,1850-05-01\n', 2, "date before 1900"),
    ("cp1252.txt", "Caf\u00e9 \u201cquoted\u201d attack.".encode("cp1252"), None, "not UTF-8; decoded as cp1252"),
    ("latin1.txt", b"Bad byte \x81 here.", None, "not UTF-8; decoded as latin-1"),
    ("unsupported.pdf", b"%PDF-1.4", None, "unsupported file type"),
]


@pytest.mark.parametrize(("name", "data", "line", "reason"), BAD_INPUTS, ids=[b[0] for b in BAD_INPUTS])
def test_bad_input_is_reported_and_good_article_kept(
    tmp_path: Path, name: str, data: bytes, line: int | None, reason: str
) -> None:
    good = _write(tmp_path, "good.txt", GOOD_TEXT)
    bad = _write(tmp_path, name, data)
    result = load_articles([good, bad])
    assert "A drone hit the Harir base in Erbil on Thursday." in result.articles["text"].tolist()
    assert len(result.problems) == 1, result.problems
    problem = result.problems[0]
    assert (problem.file, problem.line) == (str(bad), line)
    assert problem.reason.startswith(reason)


def test_decoded_fallback_text_is_kept(tmp_path: Path) -> None:
    path = _write(tmp_path, "cp.txt", "Caf\u00e9 \u201cquoted\u201d attack.".encode("cp1252"))
    assert load_articles([path]).articles["text"].tolist() == ["Caf\u00e9 \u201cquoted\u201d attack."]


def test_utf16_with_bom_is_text(tmp_path: Path) -> None:
    path = _write(tmp_path, "u16.txt", "Rocket attack text.".encode("utf-16"))
    result = load_articles([path])
    assert result.articles["text"].tolist() == ["Rocket attack text."] and result.problems == []


def test_too_large_and_missing_files(tmp_path: Path) -> None:
    good = _write(tmp_path, "good.txt", GOOD_TEXT)
    big = _write(tmp_path, "big.txt", "x" * 2000)
    result = load_articles([good, big, tmp_path / "missing.txt"], max_bytes=1000)
    assert len(result.articles) == 1
    assert result.problems == [
        Problem(str(big), None, "file too large (2,000 bytes > 1,000)"),
        Problem(str(tmp_path / "missing.txt"), None, "no such file or folder"),
    ]


def test_csv_unterminated_quote_still_finishes(tmp_path: Path) -> None:
    path = _write(tmp_path, "t.csv", 'text\n"good row"\n"unterminated\n')
    result = load_articles([path])
    assert result.articles["text"].tolist() == ["good row", "unterminated"]


def test_future_date_uses_today(tmp_path: Path) -> None:
    tomorrow = (date.today() + timedelta(days=1)).isoformat()
    path = _write(tmp_path, "f.txt", f"date {tomorrow}\nText of the article.")
    result = load_articles([path])
    assert result.articles.iloc[0]["published"] == ""
    assert _reasons(result)[0].startswith("date in the future")


def test_many_small_files_all_load(tmp_path: Path) -> None:
    """Speed is measured by `make bench`; here only that a folder of many files loads completely."""
    body = "A rocket attack targeted the base on Saturday. " * 20
    for i in range(500):
        _write(tmp_path, f"{i:04d}.txt", f"date 2024-03-{1 + i % 28:02d}\nHeadline {i}\n\n{body}{i}\n")
    result = load_articles([tmp_path])
    assert len(result.articles) == 500 and result.problems == []
