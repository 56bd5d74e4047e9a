"""Headless-browser tests: registers the `browser` marker (deselect with `-m "not browser"`)."""

from __future__ import annotations

import pytest


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "browser: drives a headless Chromium (skipped without chromium/playwright)"
    )
