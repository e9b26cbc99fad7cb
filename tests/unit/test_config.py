"""Settings: one clear line per bad variable, exit code 2, and a key file made safely."""

from __future__ import annotations

import logging
import os
import stat
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.__main__ import main
from bot.config import ConfigError, load_settings, pseudonym_key


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)  # no stray .env
    for name in (
        "TELEGRAM_BOT_TOKEN",
        "ADMIN_IDS",
        "TIMEZONE",
        "TEAM_HOURS",
        "PSEUDONYM_KEY",
        "PSEUDONYM_KEY_FILE",
        "DATABASE_PATH",
        "QUIET_PARTICIPANT_DAYS",
        "TEAM_CHAT_ID",
        "WEBHOOK_URL",
        "WEBHOOK_SECRET",
        "WEBHOOK_LISTEN",
    ):
        monkeypatch.delenv(name, raising=False)


@pytest.mark.parametrize(
    ("variable", "value", "expected"),
    [
        ("ADMIN_IDS", "12,abc", "ADMIN_IDS: should be numeric Telegram ids separated by commas, not 'abc'"),
        ("TIMEZONE", "Mars/Base", "TIMEZONE: 'Mars/Base' is not a known time zone, e.g. Europe/London"),
        ("TEAM_CHAT_ID", "team", "TEAM_CHAT_ID: Input should be a valid integer"),
        ("TEAM_HOURS", "Mon-Fry 09:00-17:00", "TEAM_HOURS: 'fry' in 'Mon-Fry 09:00-17:00' is not a day;"),
        ("TEAM_HOURS", "9 to 5", "TEAM_HOURS: '9 to 5' should be days then opening and closing times"),
        ("PSEUDONYM_KEY", "short", "PSEUDONYM_KEY: should be at least 32 characters; make one with"),
        (
            "QUIET_PARTICIPANT_DAYS",
            "7",
            "QUIET_PARTICIPANT_DAYS: Input should be greater than or equal to 31",
        ),
        ("WEBHOOK_SECRET", "not secret!", "WEBHOOK_SECRET: should be 1 to 256 letters, digits, _ or -"),
        ("WEBHOOK_LISTEN", "8443", "WEBHOOK_LISTEN: should be host:port, e.g. 0.0.0.0:8443; not '8443'"),
        ("WEBHOOK_URL", "https://bot.example.org/hook", "WEBHOOK_SECRET: needed when WEBHOOK_URL is set"),
    ],
)
def test_a_bad_setting_is_one_line_and_exit_2(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    variable: str,
    value: str,
    expected: str,
) -> None:
    monkeypatch.setenv(variable, value)
    assert main(["check-surveys"]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"Configuration problem: {expected}")
    assert len(err.strip().splitlines()) == 1
    assert "Traceback" not in err


def test_a_malformed_token_is_reported_without_echoing_it(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", "not-a-real-token-secret")
    assert main([]) == 2
    err = capsys.readouterr().err
    assert "TELEGRAM_BOT_TOKEN: should look like" in err
    assert "not-a-real-token-secret" not in err


def test_no_token_explains_botfather_and_the_simulator(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([]) == 2  # stdin is not a terminal under pytest, so no simulator starts
    err = capsys.readouterr().err
    assert "@BotFather" in err and "python -m bot simulate" in err


def test_ids_lists_and_blank_values(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ADMIN_IDS", " 1, 22 ,333 ")
    monkeypatch.setenv("TEAM_CHAT_ID", "")
    settings = load_settings()
    assert settings.admin_ids == {1, 22, 333}
    assert settings.team_chat_id is None
    assert settings.api_root == "https://api.telegram.org"


def test_generated_pseudonym_key_is_private_stable_and_not_beside_the_database(tmp_path: Path) -> None:
    database, key_file = tmp_path / "data" / "db.sqlite3", tmp_path / "keys" / "pseudonym.key"
    key = pseudonym_key(None, key_file, database)
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert len(key) == 64
    assert pseudonym_key(None, key_file, database) == key
    assert not (tmp_path / "data").exists()


def test_a_key_generated_beside_the_database_by_an_older_version_is_still_used(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    database, key_file = tmp_path / "data" / "db.sqlite3", tmp_path / "keys" / "pseudonym.key"
    old = tmp_path / "data" / "pseudonym.key"
    old.parent.mkdir()
    old.write_text("d2f1c0ffee5eed" * 5 + "\n")
    with caplog.at_level(logging.WARNING):
        assert pseudonym_key(None, key_file, database) == b"d2f1c0ffee5eed" * 5
    assert not key_file.exists()  # no second key made
    assert f"Move it: put its contents in PSEUDONYM_KEY, or move the file to {key_file}" in caplog.text
    key_file.parent.mkdir()
    key_file.write_text("a different key, made by mistake" * 2)
    with pytest.raises(ConfigError, match="hold different keys"):
        pseudonym_key(None, key_file, database)


def test_a_key_file_beside_the_database_or_that_cannot_be_made_is_one_clear_line(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    monkeypatch.setenv("DATABASE_PATH", str(tmp_path / "data" / "db.sqlite3"))
    for beside in ("data/our.key", "data/backups/our.key"):
        monkeypatch.setenv("PSEUDONYM_KEY_FILE", beside)
        assert main(["check-surveys"]) == 2
        err = capsys.readouterr().err
        assert err.startswith("Configuration problem: PSEUDONYM_KEY_FILE: should not be beside the database")
        assert len(err.strip().splitlines()) == 1
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("PSEUDONYM_KEY_FILE", str(blocker / "pseudonym.key"))
    assert main(["simulate", "--db", str(tmp_path / "data" / "db.sqlite3")]) == 2  # found on opening
    err = capsys.readouterr().err
    assert err.startswith(
        f"Configuration problem: PSEUDONYM_KEY_FILE: cannot create {blocker / 'pseudonym.key'}"
    )
    assert len(err.strip().splitlines()) == 1


def test_an_unusable_database_path_is_one_clear_line(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("DATABASE_PATH", str(blocker / "db.sqlite3"))
    assert main(["migrate"]) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"Database problem: cannot use {blocker / 'db.sqlite3'}:")
    assert "Traceback" not in err


def test_a_bad_phrase_file_names_the_file_and_line(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    phrases = tmp_path / "our-phrases.txt"
    phrases.write_text("[self_harm]\nfeel hopeless\n[made up section]\nsomething\n")
    monkeypatch.setenv("SAFEGUARDING_PHRASES_FILE", str(phrases))
    assert main(["simulate"]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"Configuration problem: SAFEGUARDING_PHRASES_FILE: {phrases}: line 3:")
    assert "Traceback" not in err


def test_team_hours_are_read_in_the_team_s_time_zone(monkeypatch: pytest.MonkeyPatch) -> None:
    assert load_settings().team_schedule.describe() == "Mon–Fri 9:00–17:00"  # the default
    monkeypatch.setenv("TEAM_HOURS", "mon-thu 09:00-17:00, fri 09:00-16:30")
    monkeypatch.setenv("TIMEZONE", "America/New_York")
    schedule = load_settings().team_schedule
    assert schedule.describe() == "Mon–Thu 9:00–17:00, Fri 9:00–16:30"
    assert not schedule.is_open(datetime(2026, 12, 9, 13, 30, tzinfo=UTC))  # 8:30 in New York
    assert schedule.is_open(datetime(2026, 12, 9, 14, 0, tzinfo=UTC))  # 9:00 in New York


def test_a_guessable_pseudonym_key_is_refused(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    for weak in ("k" * 40, "password123" * 3, "correcthorse" * 3):
        monkeypatch.setenv("PSEUDONYM_KEY", weak)
        assert main(["check-surveys"]) == 2
        err = capsys.readouterr().err
        assert err.startswith("Configuration problem: PSEUDONYM_KEY: looks easy to guess"), weak
        assert len(err.strip().splitlines()) == 1
        assert weak not in err  # the key itself is never printed


def test_the_database_and_its_folder_are_for_the_bots_user_alone(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("TELEGRAM_BOT_TOKEN", "PSEUDONYM_KEY")}
    env["DATABASE_PATH"] = str(tmp_path / "data" / "youthvoice.sqlite3")
    done = subprocess.run(
        [sys.executable, "-m", "bot", "migrate"], cwd=tmp_path, env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    data = tmp_path / "data"
    assert stat.S_IMODE(data.stat().st_mode) == 0o700
    made = sorted(p.name for p in data.iterdir())
    assert "youthvoice.sqlite3" in made
    for path in data.iterdir():
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path.name
