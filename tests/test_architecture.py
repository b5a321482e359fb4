"""Architecture rules: the pipeline core never imports Streamlit; only app.py and ui/ do."""

from __future__ import annotations

import ast
import subprocess
import sys

from dashboard import PACKAGE_DIR

UI_MODULES = {"app.py"}  # dashboard/ui/ (views, app benchmark) may import streamlit


def imported_modules(path) -> set[str]:
    """Return the top-level names of every module a Python file imports."""
    tree = ast.parse(path.read_text("utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module.split(".")[0])
    return names


def test_core_modules_never_import_streamlit():
    core = [p for p in PACKAGE_DIR.glob("*.py") if p.name not in UI_MODULES]
    assert len(core) >= 10
    offenders = [p.name for p in core if "streamlit" in imported_modules(p)]
    assert offenders == []


def test_importing_the_pipeline_does_not_load_streamlit():
    code = (
        "import sys, dashboard.pipeline, dashboard.store, dashboard.export, dashboard.evaluate, dashboard.cli; "
        "print('streamlit' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
