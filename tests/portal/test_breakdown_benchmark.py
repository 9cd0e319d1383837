"""benchmarks/breakdowns.py runs end to end (small, SQLite only) and reports both pages."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.slow
def test_the_breakdowns_benchmark_runs_and_times_both_pages():
    result = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "breakdowns.py"), "--requests", "300",
         "--rounds", "1", "--no-postgres"],
        capture_output=True, text=True, timeout=600, cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)}, check=False)

    assert result.returncode == 0, result.stderr[-2000:]
    for line in ("department_breakdowns (it)", "GET /manage/it/breakdowns",
                 "GET /manage/breakdowns"):
        assert line in result.stdout
    assert "SQL statements" in result.stdout
