"""The benchmark still runs end to end (its figures are for people to read, not for tests)."""

from __future__ import annotations

import pytest

from benchmarks.throughput import main


def test_quick_benchmark_run_completes_and_checks_its_database(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--quick"]) == 0
    out = capsys.readouterr().out
    assert "checked: 20 participants, 20/20 responses submitted, 80 answers" in out
    assert "ratio per round:" in out
