"""AppTest checks of bad uploads: each bad file gets a message naming it and the reason; the app keeps working."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
import streamlit as st
import test_app
from streamlit.testing.v1 import AppTest

from dashboard.articles import DEFAULT_MAX_BYTES, load_articles
from dashboard.ui.data import SESSION_KEY

make_app = test_app.make_app  # shared fixtures (fixture tables, data folder in tmp_path)
tables = test_app.tables

CONFIG = Path(__file__).resolve().parents[1] / ".streamlit" / "config.toml"
GOOD = b"Rockets struck Ain al-Asad air base on 3 March 2024, officials said.\n"
CP1252_TEXT = "Rockets hit Ain al-Asad \u2013 the base\u2019s caf\u00e9 was damaged on 3 March 2024, officials said."
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 8
BAD_FILES = [  # name, bytes, expected reason in the error
    ("empty.txt", b"", "empty file"),
    ("blank.md", b" \n\t\n", "empty file"),
    ("photo.txt", PNG, "binary file"),
    ("truncated.json", b'[{"title": "Attack", "text": "Rockets hit Ain al-Asad air', "malformed JSON"),
    ("headlines.csv", b"title,date\nAttack on Harir,2024-03-10\n", "no 'text' column"),
]


def upload(at: AppTest, *files: tuple[str, bytes]) -> dict[str, list[str]]:
    """Upload files in the Add articles tab; return the page's messages (not the sidebar's), by level."""
    at.file_uploader[0].set_value([(name, data, "application/octet-stream") for name, data in files]).run()
    assert not at.exception, [e.value for e in at.exception]
    return {level: [m.value for m in getattr(at.main, level)] for level in ("error", "warning", "success")}


def saved(tmp_path: Path) -> set[str]:
    """Return the names of the files saved in the uploads folder."""
    folder = tmp_path / "data" / "uploads"
    return {p.name for p in folder.iterdir()} if folder.exists() else set()


@pytest.mark.parametrize(("name", "data", "reason"), BAD_FILES, ids=[case[0] for case in BAD_FILES])
def test_bad_file_is_refused_with_its_name_and_reason(make_app, tmp_path, name, data, reason):
    """Empty, binary, truncated JSON and text-less CSV uploads are refused, named, and nothing is saved."""
    at = make_app(tab="Add articles")
    shown = upload(at, (name, data))
    assert len(shown["error"]) == 1, shown
    assert shown["error"][0].startswith(f"{name}: not added"), shown
    assert reason in shown["error"][0], shown
    assert shown["success"] == []
    assert saved(tmp_path) == set()


def test_bad_files_do_not_stop_good_ones_or_the_app(make_app, tmp_path):
    """All bad files at once beside a good one: one error each, the good file saved, the rest of the app intact."""
    at = make_app(tab="Add articles")
    shown = upload(at, *[(name, data) for name, data, _ in BAD_FILES], ("good.txt", GOOD))
    assert sorted(e.split(":")[0] for e in shown["error"]) == sorted(name for name, _, _ in BAD_FILES)
    assert shown["success"] == ["good.txt: added 1 article(s) as good.txt"]
    assert saved(tmp_path) == {"good.txt"}
    assert {m.label: m.value for m in at.metric}["Incidents"] == "5"
    again = upload(at, ("later.txt", GOOD.replace(b"3 March", b"4 March")))  # the uploader still works
    assert again["success"] == ["later.txt: added 1 article(s) as later.txt"] and not again["error"]
    at.session_state["main_tab"] = "Table"
    at.run()
    assert not at.exception and len(at.dataframe[0].value) == 5


def test_cp1252_upload_is_added_with_a_warning_and_decoded_right(make_app, tmp_path):
    """A Windows-1252 file is kept as uploaded, reported as not UTF-8, and its dashes and accents survive."""
    at = make_app(tab="Add articles")
    data = CP1252_TEXT.encode("cp1252")
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    shown = upload(at, ("windows.txt", data))
    assert shown["success"] == ["windows.txt: added 1 article(s) as windows.txt"], shown
    assert shown["warning"] == ["windows.txt: not UTF-8; decoded as cp1252"]
    assert (tmp_path / "data" / "uploads" / "windows.txt").read_bytes() == data
    loaded = load_articles([tmp_path / "data" / "uploads"])
    assert loaded.articles.loc[0, "text"] == CP1252_TEXT


def test_truncated_jsonl_keeps_whole_lines_and_names_the_broken_one(make_app, tmp_path):
    """A JSONL file cut off mid-record keeps its complete lines and warns about the broken line by number."""
    at = make_app(tab="Add articles")
    data = b'{"text": "Rockets hit Ain al-Asad air base."}\n{"text": "Drones targe'
    shown = upload(at, ("cut.jsonl", data))
    assert shown["success"] == ["cut.jsonl: added 1 article(s) as cut.jsonl"], shown
    assert len(shown["warning"]) == 1 and shown["warning"][0].startswith("cut.jsonl: line 2: malformed JSON")


def test_upload_limit_matches_the_loader_limit():
    """server.maxUploadSize (MiB, as the server counts it) equals articles.DEFAULT_MAX_BYTES; XSRF stays on."""
    server = tomllib.loads(CONFIG.read_text("utf-8"))["server"]
    assert server["maxUploadSize"] * 1024 * 1024 == DEFAULT_MAX_BYTES
    assert server.get("enableXsrfProtection", True) is True


def test_fifty_megabyte_files_load_or_are_refused_as_too_large(make_app, tmp_path):
    """A file of exactly the limit is added; one byte more is refused as "file too large" (both named)."""
    line = b"Rockets struck Ain al-Asad air base on 3 March 2024, officials said. " * 15 + b"\n"
    big = tmp_path / "big.txt"
    big.write_bytes((line * (DEFAULT_MAX_BYTES // len(line) + 1))[:DEFAULT_MAX_BYTES])
    data = big.read_bytes()
    at = make_app(tab="Add articles")
    shown = upload(at, ("fifty.txt", data), ("over.txt", data + b"x"))
    assert shown["success"] == ["fifty.txt: added 1 article(s) as fifty.txt"], shown
    assert shown["error"] == [f"over.txt: not added — file too large ({DEFAULT_MAX_BYTES + 1:,} bytes > "
                              f"{DEFAULT_MAX_BYTES:,})"]
    assert (tmp_path / "data" / "uploads" / "fifty.txt").stat().st_size == DEFAULT_MAX_BYTES
    assert saved(tmp_path) == {"fifty.txt"}
    assert {m.label: m.value for m in at.metric}["Incidents"] == "5"


@pytest.fixture
def real_app(monkeypatch, tmp_path):
    """Return the app running the real pipeline on an empty inputs folder (uploads only)."""
    (tmp_path / "inputs").mkdir()
    monkeypatch.setenv("INCIDENT_DASHBOARD_DATA", str(tmp_path / "data"))
    monkeypatch.setenv("INCIDENT_DASHBOARD_INPUTS", str(tmp_path / "inputs"))
    monkeypatch.delenv("INCIDENT_DASHBOARD_SYNTHETIC", raising=False)
    st.cache_data.clear()
    at = AppTest.from_file(test_app.APP, default_timeout=120)
    at.session_state["main_tab"] = "Add articles"
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_future_and_pre_1900_dates_keep_the_article_with_an_empty_date(real_app, tmp_path):
    """Articles dated in the future or before 1900 are added and built with an empty date, with a warning each."""
    future = b"date 2999-01-01\nRocket attack on Harir\n\nRockets struck Harir air base, officials said.\n"
    old = b'{"title": "Old attack", "date": "1850-05-01", "text": "Rockets struck Ain al-Asad air base."}'
    shown = upload(real_app, ("future.txt", future), ("old.json", old))
    assert sorted(shown["success"]) == ["future.txt: added 1 article(s) as future.txt",
                                        "old.json: added 1 article(s) as old.json"], shown
    assert sorted(shown["warning"]) == [
        "future.txt: line 1: date in the future '2999-01-01'; published left empty",
        "old.json: date before 1900 '1850-05-01'; published left empty",
    ]
    articles = real_app.session_state[SESSION_KEY][1].tables.articles
    assert sorted(articles["title"]) == ["Old attack", "Rocket attack on Harir"]
    assert list(articles["published"].fillna("")) == ["", ""]
    sidebar = sorted(w.value for w in real_app.sidebar.warning)  # the build's problems, by file
    assert len(sidebar) == 2 and sidebar[0].endswith("uploads/future.txt:1: date in the future '2999-01-01'; "
                                                     "published left empty"), sidebar
    assert sidebar[1].endswith("uploads/old.json: date before 1900 '1850-05-01'; published left empty")


def test_failed_save_is_reported_and_other_files_still_added(make_app, tmp_path, monkeypatch):
    """When saving one upload fails (disk full), that file gets an error and the next one is still saved."""
    from dashboard import store

    real_save = store.save_upload

    def save(name: str, data: bytes, folder: Path | None = None) -> Path:
        """Fail like a full disk for full.txt; save everything else."""
        if name == "full.txt":
            raise OSError(28, "No space left on device")
        return real_save(name, data, folder=folder)

    monkeypatch.setattr(store, "save_upload", save)
    at = make_app(tab="Add articles")
    shown = upload(at, ("full.txt", GOOD), ("good.txt", GOOD.replace(b"3 March", b"5 March")))
    assert shown["error"] == ["full.txt: not saved — No space left on device"], shown
    assert shown["success"] == ["good.txt: added 1 article(s) as good.txt"]
    assert saved(tmp_path) == {"good.txt"}
