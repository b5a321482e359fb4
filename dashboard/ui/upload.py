"""Upload: add article files from the browser, validate them, save them under data/uploads/, rebuild."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import streamlit as st

from dashboard import store
from dashboard.ui.data import forget_tables, uploads_dir

UPLOAD_TYPES = ["txt", "md", "json", "jsonl", "csv"]
ROUND_KEY = "_upload_round"
MESSAGES_KEY = "_upload_messages"


def check_upload(name: str, data: bytes) -> tuple[int, list[str]]:
    """Return (articles found, problem descriptions) for one uploaded file, via articles.load_bytes."""
    from dashboard.articles import load_bytes

    try:
        result = load_bytes(name, data)
    except Exception as error:  # a broken file must never take the app down
        return 0, [f"could not be read ({error})"]
    problems = [_describe(p) for p in result.problems]
    return len(result.articles), problems


def _describe(problem: Any) -> str:
    """Return a short human description of a load problem (line number when known)."""
    line = getattr(problem, "line", None)
    reason = getattr(problem, "reason", str(problem))
    return f"line {line}: {reason}" if line else str(reason)


def process_uploads(files: list[Any], save: Callable[[str, bytes], Path] | None = None) -> list[tuple[str, str]]:
    """Validate and save each file; return (level, message) pairs: one error per bad file."""
    save = save or (lambda name, data: store.save_upload(name, data, folder=uploads_dir()))
    messages: list[tuple[str, str]] = []
    for file in files:
        data = file.getvalue()
        found, problems = check_upload(file.name, data)
        if not found:
            reason = "; ".join(problems) or "no article found in the file"
            messages.append(("error", f"{file.name}: not added — {reason}"))
            continue
        try:
            path = save(file.name, data)
        except OSError as error:  # disk full, no permission: report it, keep the other files going
            messages.append(("error", f"{file.name}: not saved — {error.strerror or error}"))
            continue
        messages.append(("success", f"{file.name}: added {found} article(s) as {path.name}"))
        messages.extend(("warning", f"{file.name}: {p}") for p in problems)
    return messages


def render_upload() -> None:
    """Draw the uploader; new files are saved and the tables rebuilt, bad files get their own error."""
    round_ = st.session_state.setdefault(ROUND_KEY, 0)
    files = st.file_uploader(
        "Add articles (txt, md, json, jsonl, csv)", type=UPLOAD_TYPES, accept_multiple_files=True,
        key=f"upload_{round_}", help="Saved under data/uploads/ and extracted into every view.",
    )
    if files:
        messages = process_uploads(list(files))
        st.session_state[MESSAGES_KEY] = messages
        st.session_state[ROUND_KEY] = round_ + 1
        if any(level == "success" for level, _ in messages):
            forget_tables()
        st.rerun()
    for level, message in st.session_state.get(MESSAGES_KEY, []):
        getattr(st, level)(message)
