"""Files on disk: atomic writes, input fingerprints and the cached built tables."""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import tempfile
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any


def atomic_write_bytes(path: Path | str, data: bytes) -> None:
    """Write data to path atomically: temp file in the same folder, flush, fsync, rename."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
    fsync_dir(path.parent)


def atomic_write_text(path: Path | str, text: str) -> None:
    """Write UTF-8 text to path atomically."""
    atomic_write_bytes(path, text.encode("utf-8"))


def fsync_dir(folder: Path) -> None:
    """Flush a directory entry so a rename survives a crash (no-op where unsupported)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def input_files(paths: Iterable[Path | str]) -> list[Path]:
    """Return every regular, non-hidden file under the given files and folders, sorted."""
    files: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            for found in path.rglob("*"):
                hidden = any(part.startswith(".") for part in found.relative_to(path).parts)
                if found.is_file() and not hidden:
                    files.append(found)
        elif path.exists():
            files.append(path)
    return sorted(set(files))


def fingerprint(paths: Iterable[Path | str], extra: str = "") -> str:
    """Return a hash of the input files' names, sizes and modification times (plus an extra salt)."""
    digest = hashlib.sha1(extra.encode("utf-8"))
    for path in input_files(paths):
        stat = path.stat()
        digest.update(f"{path}|{stat.st_size}|{stat.st_mtime_ns}\n".encode())
    return digest.hexdigest()[:16]


# --- built tables ---------------------------------------------------------------------------------------

UPLOADS_DIR_NAME = "uploads"
BUILD_FILE = "build.json"
_CODE_FILES = ("articles.py", "dates.py", "extract.py", "lexicon.py", "geocode.py", "incidents.py", "schema.py")


def uploads_dir(data_dir: Path | None = None) -> Path:
    """Return the folder where articles uploaded in the app are kept."""
    from dashboard import DATA_DIR

    return Path(data_dir or DATA_DIR) / UPLOADS_DIR_NAME


def default_inputs(data_dir: Path | None = None) -> list[Path]:
    """Return the embedded default inputs (seeds/ and data/articles/) plus the uploads folder."""
    from dashboard import DEFAULT_INPUTS

    return [*DEFAULT_INPUTS, uploads_dir(data_dir)]


def code_fingerprint() -> str:
    """Return a hash of the pipeline's code and gazetteer files, so rule changes trigger a rebuild."""
    from dashboard import DATA_DIR, PACKAGE_DIR

    files = [PACKAGE_DIR / name for name in _CODE_FILES] + sorted((DATA_DIR / "gazetteer").glob("*.csv"))
    digest = hashlib.sha1()
    for path in files:
        if path.exists():
            digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def inputs_fingerprint(paths: Iterable[Path | str], online: bool = False) -> str:
    """Return the fingerprint the built tables are keyed on: inputs, code and the online switch."""
    return fingerprint(paths, extra=f"{code_fingerprint()}|online={online}")


def save_upload(name: str, data: bytes, folder: Path | None = None) -> Path:
    """Save an uploaded file atomically under the uploads folder and return its path (name sanitised)."""
    safe = "".join(ch if ch.isalnum() or ch in "._-" else "_" for ch in Path(name).name).lstrip(".") or "upload"
    folder = Path(folder or uploads_dir())
    target = folder / safe
    stem, suffix, n = target.stem, target.suffix, 1
    while target.exists() and target.read_bytes() != data:
        target = folder / f"{stem}-{n}{suffix}"
        n += 1
    atomic_write_bytes(target, data)
    return target


def _write_parquet(frame: Any, path: Path) -> None:
    """Write a DataFrame as Parquet atomically."""
    import io

    buffer = io.BytesIO()
    frame.to_parquet(buffer, index=False)
    atomic_write_bytes(path, buffer.getvalue())


def _write_csv(frame: Any, path: Path) -> None:
    """Write a DataFrame as formula-safe CSV atomically."""
    from dashboard.export import to_csv_bytes

    atomic_write_bytes(path, to_csv_bytes(frame))


def read_build_info(out_dir: Path) -> dict[str, Any]:
    """Return the build record (fingerprint, problems, counts) or {} when there is none or it is unreadable."""
    try:
        return json.loads((Path(out_dir) / BUILD_FILE).read_text("utf-8"))
    except (OSError, ValueError):
        return {}


def load_tables(
    paths: Sequence[Path | str] | None = None,
    out_dir: Path | str | None = None,
    online: bool = False,
    progress: Any = None,
    rebuild: bool = False,
    corrections_dir: Path | str | None = None,
) -> Any:
    """Return the Tables for the inputs: read the cached build when its fingerprint matches, else build and save.

    Analyst corrections are applied after every load or build; the cache keeps the uncorrected reports.
    """
    import pandas as pd

    from dashboard import DATA_DIR
    from dashboard.articles import Problem
    from dashboard.pipeline import Tables, build_tables

    out = Path(out_dir or DATA_DIR)
    corrections_dir = Path(corrections_dir or out / "corrections")
    paths = list(paths) if paths is not None else default_inputs(out)
    key = inputs_fingerprint(paths, online)
    info = read_build_info(out)
    cached = out / "cache" / "raw_reports.parquet", out / "cache" / "articles.parquet"
    if not rebuild and info.get("fingerprint") == key and all(p.exists() for p in cached):
        try:
            reports, articles = pd.read_parquet(cached[0]), pd.read_parquet(cached[1])
        except (OSError, ValueError):
            pass  # unreadable cache: rebuild below
        else:
            problems = [Problem(*p) for p in info.get("problems", [])]
            tables = apply_corrections(Tables(articles, reports, pd.DataFrame(), problems), corrections_dir)
            if info.get("corrections") != corrections_signature(corrections_dir):
                write_outputs(tables, out)
                atomic_write_text(out / BUILD_FILE, json.dumps(
                    {**info, "corrections": corrections_signature(corrections_dir)}, indent=1))
            return tables
    tables = build_tables(paths, online=online, progress=progress)
    _write_parquet(tables.reports, cached[0])
    _write_parquet(tables.articles, cached[1])
    tables = apply_corrections(tables, corrections_dir)
    write_outputs(tables, out)
    record = {
        "fingerprint": key,
        "inputs": [str(p) for p in paths],
        "articles": len(tables.articles),
        "reports": len(tables.reports),
        "incidents": len(tables.incidents),
        "problems": [list(p) for p in tables.problems],
        "corrections": corrections_signature(corrections_dir),
    }
    atomic_write_text(out / BUILD_FILE, json.dumps(record, indent=1))
    return tables


def corrections_signature(corrections_dir: Path) -> str:
    """Return a short signature of the correction log (size and modification time), '' when there is none."""
    from dashboard.corrections import log_path

    try:
        stat = log_path(corrections_dir).stat()
    except OSError:
        return ""
    return f"{stat.st_size}-{stat.st_mtime_ns}"


def apply_corrections(tables: Any, corrections_dir: Path | str | None = None) -> Any:
    """Return the tables with the analyst correction log applied (orphaned corrections listed on the tables)."""
    from dashboard.corrections import apply_incident_corrections, apply_report_corrections, read_log
    from dashboard.incidents import summarize_incidents

    log = read_log(corrections_dir)
    reports, orphans = apply_report_corrections(tables.reports, log)
    incidents, more = apply_incident_corrections(summarize_incidents(reports), log, reports)
    tables.reports, tables.incidents, tables.orphans = reports, incidents, [*orphans, *more]
    return tables


def write_outputs(tables: Any, out_dir: Path | str) -> None:
    """Write the corrected reports and incidents as CSV (for people) and Parquet (for the app)."""
    out = Path(out_dir)
    _write_csv(tables.reports, out / "reports.csv")
    _write_csv(tables.incidents, out / "incidents.csv")
    _write_parquet(tables.incidents, out / "incidents.parquet")
