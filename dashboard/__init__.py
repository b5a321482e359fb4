"""incident-dashboard: news articles about security incidents -> geocoded incident table -> dashboard."""

from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
REPO_DIR = PACKAGE_DIR.parent
DATA_DIR = REPO_DIR / "data"
DEFAULT_INPUTS = [REPO_DIR / "seeds", DATA_DIR / "articles"]
