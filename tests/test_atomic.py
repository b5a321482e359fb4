"""Crash safety: a writer killed mid-write leaves the previous log or file intact and readable."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from dashboard import REPO_DIR
from dashboard import corrections as cx
from dashboard.store import atomic_write_bytes

BIG = 4_000_000  # bytes per line/file so a kill often lands inside a write


def start(script: str, *args: str) -> subprocess.Popen:
    """Start a Python writer process running script (args in sys.argv[1:])."""
    return subprocess.Popen([sys.executable, "-c", textwrap.dedent(script), *args], cwd=REPO_DIR)


def wait_for(condition, timeout: float = 60.0) -> None:
    """Poll until condition() is true or fail after timeout seconds."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail("writer made no progress")
        time.sleep(0.005)


def kill(process: subprocess.Popen) -> None:
    """SIGKILL the writer and reap it."""
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)


LOG_WRITER = """
    import sys
    from dashboard import corrections as cx
    n = 0
    while True:
        n += 1
        cx.append_correction(cx.make_correction("set", "i1", field="notes", new=f"big {n}", old="x" * int(sys.argv[2])),
                             sys.argv[1])
"""


@pytest.mark.parametrize("delay", [0.0, 0.003, 0.011, 0.029])
def test_killed_log_writer_leaves_previous_lines_intact(tmp_path: Path, delay: float) -> None:
    before = [cx.append_correction(cx.make_correction("set", f"i{n}", field="fatalities", new=n), tmp_path)
              for n in range(5)]
    path = cx.log_path(tmp_path)
    size = path.stat().st_size
    writer = start(LOG_WRITER, str(tmp_path), str(BIG))
    try:
        wait_for(lambda: path.stat().st_size > size + BIG)
        time.sleep(delay)
    finally:
        kill(writer)
    log, problems = cx.read_log_with_problems(tmp_path)
    assert [e["id"] for e in log[:5]] == [e["id"] for e in before]
    assert all(e["op"] == "set" for e in log) and len(log) >= 6
    assert len(problems) <= 1 and all("partial trailing line" in p for p in problems)
    after = cx.append_correction(cx.make_correction("set", "i9", field="fatalities", new=9), tmp_path)
    log, problems = cx.read_log_with_problems(tmp_path)
    assert log[-1]["id"] == after["id"]
    applied = cx.effective_log(log)
    assert [e["id"] for e in applied[:5]] == [e["id"] for e in before]


def test_truncated_line_from_a_crash_is_not_fatal(tmp_path: Path) -> None:
    kept = cx.append_correction(cx.make_correction("set", "i1", field="notes", new="kept"), tmp_path)
    path = cx.log_path(tmp_path)
    line = path.read_bytes()
    for cut in (1, len(line) // 2, len(line) - 2):
        path.write_bytes(line + line[:cut])
        log, problems = cx.read_log_with_problems(tmp_path)
        assert [e["id"] for e in log] == [kept["id"]] and len(problems) == 1


FILE_WRITER = """
    import sys
    from dashboard.store import atomic_write_bytes
    size = int(sys.argv[2])
    n = 0
    while True:
        n += 1
        marker = str(n % 10).encode()
        atomic_write_bytes(sys.argv[1], marker * size)
"""


@pytest.mark.parametrize("delay", [0.0, 0.002, 0.007, 0.019])
def test_killed_atomic_file_writer_leaves_a_whole_file(tmp_path: Path, delay: float) -> None:
    target = tmp_path / "incidents.csv"
    atomic_write_bytes(target, b"9" * BIG)
    first = os.stat(target).st_mtime_ns
    writer = start(FILE_WRITER, str(target), str(BIG))
    try:
        wait_for(lambda: os.stat(target).st_mtime_ns != first)
        time.sleep(delay)
    finally:
        kill(writer)
    data = target.read_bytes()
    assert len(data) == BIG and data == data[:1] * BIG  # one whole version, never a mix or a stub


REWRITER = """
    import sys
    from dashboard import corrections as cx
    entries = cx.read_log(sys.argv[1])
    while True:
        cx.rewrite_log(entries, sys.argv[1])
"""


def test_killed_log_rewrite_keeps_the_log(tmp_path: Path) -> None:
    written = [cx.append_correction(cx.make_correction("set", "i1", field="notes", new="n", old="x" * BIG), tmp_path)
               for _ in range(3)]
    path = cx.log_path(tmp_path)
    first = path.stat().st_ino
    writer = start(REWRITER, str(tmp_path))
    try:
        wait_for(lambda: path.stat().st_ino != first)
        time.sleep(0.005)
    finally:
        kill(writer)
    log, problems = cx.read_log_with_problems(tmp_path)
    assert problems == [] and [e["id"] for e in log] == [e["id"] for e in written]
