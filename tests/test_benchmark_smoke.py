"""The benchmark still runs end to end (its figures are for people to read, not for tests)."""

from __future__ import annotations

import pytest

from benchmarks.throughput import main


def test_quick_benchmark_run_completes_and_checks_its_database(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--quick"]) == 0
    out = capsys.readouterr().out
    assert "checked: 20 participants, 20/20 responses submitted, 80 answers" in out
    assert "ratio per round:" in out


def test_safeguarding_benchmark_reports_every_language_and_the_time(
    capsys: pytest.CaptureFixture[str],
) -> None:
    from benchmarks.safeguarding import main as safeguarding

    assert safeguarding([]) == 0
    out = capsys.readouterr().out
    for line in (
        "[en]",
        "[ar]",
        "recall (alert or review):",
        "alert precision:",
        "review share, ordinary answers:",
    ):
        assert line in out
    assert "time for a 2,000-character message:" in out


def test_announcement_benchmark_runs_through_a_kill(capsys: pytest.CaptureFixture[str]) -> None:
    from benchmarks.announce import main as announce

    assert announce(["--people", "60"]) == 0
    out = capsys.readouterr().out
    for line in ("invitations delivered", "messages/s", "429s received", "on the wire at the kill"):
        assert line in out
    # Nobody is ever missed; one on the wire at the kill may arrive twice (a kill is at a random moment).
    assert "lost                      0 " in out
    assert "run: ok" in out


def test_results_benchmark_builds_measures_and_checks_its_tallies(
    tmp_path, capsys: pytest.CaptureFixture[str]
) -> None:
    from benchmarks.results import main as results

    assert results(["--responses", "300", "--runs", "1", "--db", str(tmp_path / "results.sqlite3")]) == 0
    out = capsys.readouterr().out
    for path in (
        "worker_results",
        "officers_table",
        "summary",
        "about_you_tables",
        "vote_from_db",
        "export_csv",
        "export_xlsx",
    ):
        assert f"  {path} " in out
    assert "checked: every question's tally agrees with counting its" in out
