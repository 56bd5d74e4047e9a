"""Quiet interpreter teardown.

duckdb 2.0's bindings print 'nanobind: leaked …' lines while the interpreter tears down,
after a command or a test session has written all its output (exit status unaffected).
"""

from __future__ import annotations

import os
import sys


def silence_teardown() -> None:
    """Send stderr nowhere from now on; call it only once all output is written."""
    sys.stderr.flush()
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 2)
