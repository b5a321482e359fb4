"""Shared fixtures: the offline gazetteer (loaded once) and paths to the embedded data."""

from __future__ import annotations

import socket

import pytest

from dashboard import REPO_DIR


@pytest.fixture(scope="session")
def gazetteer():
    """Return the offline gazetteer, built once per test session."""
    from dashboard.geocode import load_gazetteer

    return load_gazetteer()


@pytest.fixture(scope="session")
def corpus_scores(gazetteer):
    """Return the evaluator's scores of the pipeline on the labelled sample corpus (run once per session)."""
    from dashboard.evaluate import evaluate_extraction

    return evaluate_extraction(gazetteer=gazetteer)


@pytest.fixture(scope="session")
def repo_dir():
    """Return the repository root."""
    return REPO_DIR


@pytest.fixture(autouse=True)
def no_internet(monkeypatch):
    """Fail any test that opens a connection to a host other than the local machine."""
    real_connect = socket.socket.connect

    def guarded(self, address):
        host = address[0] if isinstance(address, tuple) else address
        if isinstance(host, str) and host not in ("127.0.0.1", "localhost", "::1") and not host.startswith("/"):
            raise AssertionError(f"test tried to reach the network: {address!r}")
        return real_connect(self, address)

    monkeypatch.setattr(socket.socket, "connect", guarded)
