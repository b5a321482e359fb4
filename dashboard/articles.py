"""Load news articles from txt/md/json/jsonl/csv files or uploads into one cleaned Article table."""

from __future__ import annotations

import contextlib
import csv
import hashlib
import io
import json
import os
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, NamedTuple

import pandas as pd
from dateutil import parser as date_parser

from dashboard.schema import ARTICLE_COLUMNS

DEFAULT_MAX_BYTES = 50 * 1024 * 1024  # = server.maxUploadSize (50, in MiB) in .streamlit/config.toml
TEXT_SUFFIXES = {".txt", ".md"}
SUPPORTED_SUFFIXES = TEXT_SUFFIXES | {".json", ".jsonl", ".csv"}
TITLE_MAX_LINE = 120
TITLE_MAX_CHARS = 80

# Whole-line boilerplate (matched case-insensitively after whitespace is normalised).
_BOILERPLATE = re.compile(
    r"(?i)(?:"
    r"advert(?:isement|isment|isements|ising)?"
    r"|share (?:this|the) (?:article|story|post)\b.*"
    r"|read (?:more|also|next)\b\s*(?:[:\-–—].*)?"
    r"|check also\b.*"
    r"|leave a (?:reply|comment)\b.*"
    r"|subscribe\b.*"
    r"|related(?: (?:articles?|stories|posts|news|coverage))?\s*:.*"
    r"|click here\b.*"
    r"|follow us on\b.*"
    r"|sign up for (?:our|the) newsletter\b.*"
    r"|skip to (?:main )?content"
    r"|.*\b(?:we use cookies|(?:web)?site uses cookies|accept (?:all )?cookies"
    r"|cookie (?:policy|settings|preferences|notice))\b.*"
    r")[.!]?"
)
_BOILERPLATE_MAX_LINE = 200
_CHAR_MAP: dict[int, str | None] = {
    **dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"), None),  # zero-width, soft hyphen
    **dict.fromkeys(map(ord, "\u00a0\u2007\u202f\u3000"), " "),  # non-breaking and wide spaces
    **dict.fromkeys(map(ord, "\r\u2028\u2029\x0b\x0c\x85"), "\n"),  # other line breaks
}
_SPACES = re.compile(r"\t[ \t]*| [ \t]+")
_NOT_CONTROL = bytes(b for b in range(256) if b >= 32 or b in (9, 10, 12, 13))
_DATE_TOKEN = re.compile(r"\A\s*(?i:date):?[ \t]+(\S+)[ \t]*\n?")
_HEADING = re.compile(r"^#{1,6}\s+")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s")
_ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:$|[T ])")
_HAS_YEAR = re.compile(r"\b(1\d{3}|2\d{3})\b|^\d{8}$")
_TEXT_KEYS = ("text", "body", "content")
_DATE_KEYS = ("date", "published", "published_at", "pubdate")


class Problem(NamedTuple):
    """A load problem: file (as given), line number when known, and a human-readable reason."""

    file: str
    line: int | None
    reason: str

    def __str__(self) -> str:
        """Return "file:line: reason" for logs and the app."""
        where = f"{self.file}:{self.line}" if self.line is not None else self.file
        return f"{where}: {self.reason}"


@dataclass
class LoadResult:
    """Loaded articles (one row each, columns = ARTICLE_COLUMNS) and the problems met on the way."""

    articles: pd.DataFrame
    problems: list[Problem] = field(default_factory=list)


# --- text cleaning -------------------------------------------------------------------------------


def clean_text(raw: str) -> str:
    """Return raw article text without boilerplate lines, with normalised whitespace and paragraphs."""
    text = unicodedata.normalize("NFC", raw.replace("\r\n", "\n")).translate(_CHAR_MAP)
    lines: list[str] = []
    for line in _SPACES.sub(" ", text).split("\n"):
        line = line.strip()
        if line and len(line) <= _BOILERPLATE_MAX_LINE and _BOILERPLATE.fullmatch(line):
            continue
        if line or (lines and lines[-1]):
            lines.append(line)
    return "\n".join(lines).strip("\n")


def _clean_line(raw: str) -> str:
    """Return a one-line field (title, url, source) with whitespace collapsed."""
    return " ".join(raw.translate(_CHAR_MAP).split())


def title_from_text(text: str) -> str:
    """Return the first sentence of text cut to about TITLE_MAX_CHARS at a word boundary."""
    first = _SENTENCE_END.split(text.strip().split("\n", 1)[0], maxsplit=1)[0].strip()
    if len(first) <= TITLE_MAX_CHARS:
        return first
    cut = first[:TITLE_MAX_CHARS].rsplit(" ", 1)[0].rstrip(",;:")
    return cut + "…"


def split_title(text: str) -> tuple[str, str]:
    """Return (title, body): a short first line without a final period is the title, else a derived one."""
    first, _, rest = text.partition("\n")
    candidate = _HEADING.sub("", first).strip()
    is_title = (
        rest.strip()
        and 0 < len(candidate) <= TITLE_MAX_LINE
        and not candidate.endswith((".", ":", "-", "—", "–"))
    )
    if is_title:
        return candidate, rest.strip("\n")
    return title_from_text(text), text


# --- dates -----------------------------------------------------------------------------------------


def parse_published(raw: str, today: date | None = None) -> tuple[str, str | None]:
    """Return (ISO "YYYY-MM-DD" or "", problem reason or None) for a publication date string."""
    raw = raw.strip()
    if not raw:
        return "", None
    today = today or date.today()
    iso = _ISO_DATE.match(raw)
    try:
        if iso:
            found = date(int(iso[1]), int(iso[2]), int(iso[3]))
        elif not _HAS_YEAR.search(raw):
            return "", f"unparseable date {raw!r}; published left empty"
        else:
            found = date_parser.parse(raw).date()
    except (ValueError, OverflowError, date_parser.ParserError) as exc:
        if iso or "out of range" in str(exc) or "must be in" in str(exc):
            return "", f"impossible date {raw!r}; published left empty"
        return "", f"unparseable date {raw!r}; published left empty"
    if found > today:
        return "", f"date in the future {raw!r}; published left empty"
    if found.year < 1900:
        return "", f"date before 1900 {raw!r}; published left empty"
    return found.isoformat(), None


# --- decoding ------------------------------------------------------------------------------------


def _looks_binary(data: bytes) -> bool:
    """Return True for NUL bytes or many control characters in the first 8 KB."""
    head = data[:8192]
    if b"\x00" in head:
        return True
    return len(head.translate(None, _NOT_CONTROL)) > 0.1 * len(head)


def _decode(source: str, data: bytes, problems: list[Problem]) -> str | None:
    """Return decoded text (utf-8-sig, else cp1252, else latin-1) or None for empty/binary data."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        with contextlib.suppress(UnicodeDecodeError):
            data = data.decode("utf-16").encode("utf-8")
    if not data.strip():
        problems.append(Problem(source, None, "empty file"))
        return None
    if _looks_binary(data):
        problems.append(Problem(source, None, "binary file, not text"))
        return None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    for encoding in ("cp1252", "latin-1"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        problems.append(Problem(source, None, f"not UTF-8; decoded as {encoding}"))
        return text
    return None  # unreachable: latin-1 decodes any bytes


# --- records -------------------------------------------------------------------------------------


def _article_id(title: str, text: str) -> str:
    """Return the stable content hash of an article (first 16 hex chars of sha1 of text + title)."""
    return hashlib.sha1(f"{text}\n\x1f{title}".encode()).hexdigest()[:16]


def _make_row(source: str, title: str, published: str, url: str, origin: str, text: str) -> dict[str, str]:
    """Return one Article row as a dict keyed by ARTICLE_COLUMNS."""
    return {
        "article_id": _article_id(title, text),
        "source_file": source,
        "title": title,
        "published": published,
        "url": url,
        "source": origin,
        "text": text,
    }


def _field(record: dict[str, Any], keys: Iterable[str]) -> str:
    """Return the first non-empty scalar value among keys (case-insensitive) as a string."""
    lowered = {str(k).strip().lower(): v for k, v in record.items()}
    for key in keys:
        value = lowered.get(key)
        if value is None or isinstance(value, dict | list):
            continue
        if str(value).strip():
            return str(value)
    return ""


def _record_row(
    record: Any, source: str, where: tuple[str, int | None, str], problems: list[Problem]
) -> dict[str, str] | None:
    """Return an Article row from a JSON/CSV record, or None (with a problem) when it has no text."""
    file, line, label = where
    if not isinstance(record, dict):
        problems.append(Problem(file, line, f"{label}not a JSON object"))
        return None
    text = clean_text(_field(record, _TEXT_KEYS))
    if not text:
        problems.append(Problem(file, line, f"{label}no text"))
        return None
    title = _clean_line(_field(record, ("title", "headline"))) or title_from_text(text)
    published, reason = parse_published(_field(record, _DATE_KEYS))
    if reason:
        problems.append(Problem(file, line, f"{label}{reason}"))
    url = _clean_line(_field(record, ("url", "link")))
    origin = _clean_line(_field(record, ("source", "publisher")))
    return _make_row(source, title, published, url, origin, text)


def _parse_text(source: str, text: str, problems: list[Problem]) -> list[dict[str, str]]:
    """Return the one article of a .txt/.md file (optional leading "date YYYY-MM-DD" token)."""
    published = ""
    token = _DATE_TOKEN.match(text)
    if token:
        published, reason = parse_published(token[1])
        if reason:
            problems.append(Problem(source, 1, reason))
        text = text[token.end() :]
    title, body = split_title(clean_text(text))
    if not body:
        problems.append(Problem(source, None, "no text"))
        return []
    return [_make_row(source, title, published, "", "", body)]


def _parse_jsonl(source: str, text: str, problems: list[Problem]) -> list[dict[str, str]]:
    """Return one article per JSON line; malformed lines are reported with their line number."""
    rows = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            problems.append(Problem(source, number, f"malformed JSON: {exc.msg} (column {exc.colno})"))
            continue
        row = _record_row(record, f"{source}#{number}", (source, number, ""), problems)
        if row:
            rows.append(row)
    return rows


def _parse_json(source: str, text: str, problems: list[Problem]) -> list[dict[str, str]]:
    """Return the articles of a .json file holding one object, a list, or {"articles": [...]}."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        problems.append(
            Problem(source, exc.lineno, f"malformed JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})")
        )
        return []
    if isinstance(data, dict) and isinstance(data.get("articles"), list) and not _field(data, _TEXT_KEYS):
        data = data["articles"]
    if not isinstance(data, list):
        row = _record_row(data, source, (source, None, ""), problems)
        return [row] if row else []
    rows = []
    for number, record in enumerate(data, start=1):
        row = _record_row(record, f"{source}#{number}", (source, None, f"record {number}: "), problems)
        if row:
            rows.append(row)
    return rows


def _parse_csv(source: str, text: str, problems: list[Problem]) -> list[dict[str, str]]:
    """Return one article per CSV row (quoted newlines allowed); the '#n' suffix is the row's first line."""
    csv.field_size_limit(2**31 - 1)
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = [h.strip().lower() for h in next(reader)]
    except (StopIteration, csv.Error) as exc:
        problems.append(Problem(source, 1, f"malformed CSV: {exc}"))
        return []
    if not any(key in header for key in _TEXT_KEYS):
        problems.append(Problem(source, 1, "no 'text' column"))
        return []
    rows = []
    line = reader.line_num + 1
    while True:
        try:
            values = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            problems.append(Problem(source, line, f"malformed CSV: {exc}; rest of file skipped"))
            break
        if any(v.strip() for v in values):
            record = dict(zip(header, values, strict=False))
            row = _record_row(record, f"{source}#{line}", (source, line, ""), problems)
            if row:
                rows.append(row)
        line = reader.line_num + 1
    return rows


_PARSERS = {".txt": _parse_text, ".md": _parse_text, ".json": _parse_json, ".jsonl": _parse_jsonl,
            ".csv": _parse_csv}  # fmt: skip


def _parse_bytes(source: str, suffix: str, data: bytes, problems: list[Problem]) -> list[dict[str, str]]:
    """Return the article rows of one file's bytes, appending any problems."""
    parse = _PARSERS.get(suffix.lower())
    if parse is None:
        problems.append(Problem(source, None, "unsupported file type"))
        return []
    text = _decode(source, data, problems)
    if text is None:
        return []
    return parse(source, text, problems)


# --- public API ----------------------------------------------------------------------------------


def _files_below(folder: Path) -> list[tuple[str, ...]]:
    """Return the relative parts of every file below folder, sorted as sorted(folder.rglob("*")) orders them,
    skipping hidden files and folders (a name starting with a dot); symlinked folders are not entered."""
    found: list[tuple[str, ...]] = []
    pending: list[tuple[str, ...]] = [()]
    while pending:
        parts = pending.pop()
        with os.scandir(folder.joinpath(*parts)) as entries:
            for entry in entries:
                if entry.name.startswith("."):
                    continue
                if entry.is_dir(follow_symlinks=False):
                    pending.append((*parts, entry.name))
                elif entry.is_file():
                    found.append((*parts, entry.name))
    return sorted(found)


def _is_article_name(name: str) -> bool:
    """Return True for a supported file type that is not a README (which documents a folder)."""
    stem, dot, suffix = name.rpartition(".")
    return bool(dot) and f".{suffix.lower()}" in SUPPORTED_SUFFIXES and stem.lower() != "readme"


def iter_article_files(paths: Iterable[str | Path], problems: list[Problem]) -> Iterator[Path]:
    """Yield files to load: explicit files as given, folders expanded recursively in sorted order."""
    for given in paths:
        path = Path(given)
        if path.is_dir():
            for parts in _files_below(path):
                if _is_article_name(parts[-1]):
                    yield path.joinpath(*parts)
        elif path.is_file():
            yield path
        else:
            problems.append(Problem(str(given), None, "no such file or folder"))


def _to_result(rows: list[dict[str, str]], problems: list[Problem]) -> LoadResult:
    """Return a LoadResult with duplicates (same article_id) dropped and noted as problems."""
    seen: dict[str, str] = {}
    unique = []
    for row in rows:
        first = seen.setdefault(row["article_id"], row["source_file"])
        if first != row["source_file"]:
            problems.append(Problem(row["source_file"], None, f"duplicate of {first}; skipped"))
            continue
        unique.append(row)
    frame = pd.DataFrame.from_records(unique, columns=ARTICLE_COLUMNS)
    return LoadResult(frame, problems)


def load_articles(paths: Iterable[str | Path], max_bytes: int = DEFAULT_MAX_BYTES) -> LoadResult:
    """Return every article found in the given files/folders; problems are collected, never raised."""
    problems: list[Problem] = []
    rows: list[dict[str, str]] = []
    for path in iter_article_files(paths, problems):
        source = str(path)
        try:
            size = path.stat().st_size
            if size > max_bytes:
                problems.append(Problem(source, None, f"file too large ({size:,} bytes > {max_bytes:,})"))
                continue
            data = path.read_bytes()
        except OSError as exc:
            problems.append(Problem(source, None, f"cannot read file: {exc.strerror or exc}"))
            continue
        rows.extend(_parse_bytes(source, path.suffix, data, problems))
    return _to_result(rows, problems)


def load_bytes(name: str, data: bytes, max_bytes: int = DEFAULT_MAX_BYTES) -> LoadResult:
    """Return the articles of one uploaded file (format chosen by the extension of name)."""
    problems: list[Problem] = []
    if len(data) > max_bytes:
        problems.append(Problem(name, None, f"file too large ({len(data):,} bytes > {max_bytes:,})"))
        return _to_result([], problems)
    return _to_result(_parse_bytes(name, Path(name).suffix, data, problems), problems)
