"""Browser checks of bad uploads through `streamlit run`: over-limit files are refused, the page keeps working."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from test_browser import assert_clean, map_points, open_app

OVER_LIMIT_BYTES = 51 * 1024 * 1024  # above server.maxUploadSize = 50 (MB) in .streamlit/config.toml
LIMIT_TEXT = re.compile(r"File must be 50(\.0)?MB or smaller")
ALERT_JS = """([kind, text]) => [...document.querySelectorAll(`[data-testid="stAlertContent${kind}"]`)]
  .some(e => e.innerText.includes(text))"""


@pytest.fixture(scope="module")
def over_limit_file(tmp_path_factory) -> Path:
    """Return a 51 MB text file, written once per module in a temporary folder."""
    path = tmp_path_factory.mktemp("big") / "huge.txt"
    line = b"Rockets struck Ain al-Asad air base on 3 March 2024, officials said.\n"
    path.write_bytes((line * (OVER_LIMIT_BYTES // len(line) + 1))[:OVER_LIMIT_BYTES])
    return path


def wait_alert(page, kind: str, text: str) -> None:
    """Wait until an alert of the kind (Error, Success, ...) containing text is shown."""
    page.wait_for_function(ALERT_JS, arg=[kind, text], timeout=60_000)


def test_over_limit_file_is_refused_and_the_page_keeps_working(page, watch, server, over_limit_file):
    """A 51 MB file is refused in the browser with a visible, named error; later uploads and tabs still work."""
    open_app(page, server)
    places = {p["place"] for p in map_points(page)}
    page.get_by_role("tab", name="Add articles").click()
    page.locator("input[type='file']").set_input_files(str(over_limit_file))
    chip = page.locator("[data-testid='stFileChip']", has_text="huge.txt")
    chip.wait_for(timeout=20_000)
    assert chip.get_attribute("aria-invalid") == "true"
    assert chip.locator("[data-testid='stFileChipIconError']").is_visible()
    alert = page.locator(f"[id='{chip.get_attribute('aria-describedby')}']")  # read out by screen readers
    assert LIMIT_TEXT.search(alert.inner_text()), alert.inner_text()
    chip.hover()
    page.get_by_role("tooltip").filter(has_text=LIMIT_TEXT).first.wait_for(timeout=10_000)
    assert page.locator("[data-testid^='stAlertContent']").count() == 0  # never reached the app
    page.locator("input[type='file']").set_input_files([
        {"name": "empty.txt", "mimeType": "text/plain", "buffer": b""},
        {"name": "photo.txt", "mimeType": "text/plain", "buffer": b"\x89PNG\r\n\x1a\n\x00\x00" + bytes(range(256))},
    ])
    wait_alert(page, "Error", "empty.txt: not added — empty file")
    wait_alert(page, "Error", "photo.txt: not added — binary file")
    uploads = server.data_dir / "uploads"
    assert not any(uploads.iterdir()), list(uploads.iterdir())
    page.get_by_role("tab", name="Table").click()
    page.locator("[data-testid='stDataFrame']").wait_for(timeout=20_000)
    assert {p["place"] for p in map_points(page)} == places
    assert_clean(page, watch)
