"""Settings from the environment and `.env`, read once at start-up and passed down."""

from __future__ import annotations

import logging
import math
import os
import re
import secrets
from collections import Counter
from datetime import time
from pathlib import Path
from typing import Annotated, Literal, NamedTuple
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import AnyHttpUrl, Field, SecretStr, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from bot.core import texts
from bot.core.schedule import Slot, parse_schedule
from bot.safeguarding import team_hours
from bot.safeguarding.team_hours import TeamHours

log = logging.getLogger(__name__)

IdList = Annotated[frozenset[int], NoDecode]
ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]*$")
WEBHOOK_SECRET = re.compile(r"^[A-Za-z0-9_-]{1,256}$")


class FeedbackTopic(NamedTuple):
    id: str
    label: str


# Their labels are sentences of the bot's, translated in the catalogs (a council's own are not).
DEFAULT_FEEDBACK_TOPICS = tuple(
    FeedbackTopic(topic, texts.ENGLISH[f"TOPIC_{topic.upper()}"])
    for topic in ("hub", "staff", "service", "bot", "other")
)


class ConfigError(Exception):
    """A setting is missing or wrong; the message names the variable and what is wrong."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    telegram_bot_token: SecretStr | None = None
    telegram_api_url: AnyHttpUrl = AnyHttpUrl("https://api.telegram.org")
    database_path: Path = Path("data/youthvoice.sqlite3")
    surveys_dir: Path = Path("surveys")
    team_chat_id: int | None = None
    admin_ids: IdList = frozenset()
    worker_ids: IdList = frozenset()
    officer_ids: IdList = frozenset()
    timezone: str = "Europe/London"
    # When the team reads alerts, in TIMEZONE: what young people are told about when they'll hear.
    team_hours: str = team_hours.DEFAULT
    pseudonym_key: SecretStr | None = None
    # Where a key is generated and kept when PSEUDONYM_KEY is unset: never beside the database, where
    # one copy of the folder would carry both.
    pseudonym_key_file: Path = Path("keys/pseudonym.key")
    safeguarding_chat_id: int | None = None
    safeguarding_phrases_file: Path | None = None
    # Extra words and real people's names that hold a name idea for a careful look.
    idea_blocklist_file: Path | None = None
    # The council's areas and the service's cohort, for "about you" (bot/about_you/council.py;
    # about_you.example.yaml). Read only if it is there: without it, no area question and no cohort.
    about_you_file: Path | None = Path("about_you.yaml")
    safeguarding_choice_minutes: Annotated[int, Field(ge=1, le=60)] = 3
    alert_repost_minutes: Annotated[int, Field(ge=1, le=24 * 60)] = 30
    summary_schedule: str = "mon 09:00"
    # Retention, as council policy sets it (days; applied each night by bot/lifecycle.py): typed
    # answers, ideas as typed and photos, after their consultation closes; feedback with its status
    # changes and reply, after it arrived; a young person's consent and settings, after they last
    # used the bot (kept to the month, so at least 31); a safeguarding alert's Telegram id, name and
    # username, after the team acknowledged it (its words and category stay).
    retention_days: Annotated[int, Field(ge=1, le=3650)] = 180
    feedback_retention_days: Annotated[int, Field(ge=1, le=3650)] = 365
    quiet_participant_days: Annotated[int, Field(ge=31, le=3650)] = 365
    alert_identity_days: Annotated[int, Field(ge=1, le=3650)] = 30
    backup_dir: Path = Path("data/backups")
    # Photos young people send as answers (cleaned of metadata); default: "photos" beside the database.
    photos_dir: Path | None = None
    backup_keep: Annotated[int, Field(ge=1, le=365)] = 14
    backup_time: time = time(2, 30)  # each night, in TIMEZONE
    # How often the outbox looks for alerts to post or re-post, besides right after one is raised.
    outbox_interval_seconds: Annotated[float, Field(gt=0, le=300)] = 15
    feedback_topics: Annotated[tuple[FeedbackTopic, ...], NoDecode] = DEFAULT_FEEDBACK_TOPICS
    feedback_to_team: Literal["immediately", "summary"] = "immediately"
    feedback_per_hour: Annotated[int, Field(ge=1, le=100)] = 5
    # The small-number protection's band: every count published outside the team is shown as its
    # band of this many ("fewer than 5", "5 to 9", ...).
    min_cell_size: Annotated[int, Field(ge=3, le=50)] = 5
    # The council's name at the head of every /report (a PDF for committee papers).
    council_name: Annotated[str, Field(min_length=1, max_length=120)] = "Your council"
    # The privacy notice's "who we are", shown to young people as written (in every language).
    # Set the contact and DPO to real addresses: these defaults only point the way.
    privacy_controller: Annotated[str, Field(min_length=1)] = (
        "the council's User Voice and Participation team"
    )
    privacy_contact: Annotated[str, Field(min_length=1)] = (
        "the User Voice and Participation team (your worker can give you our email)"
    )
    privacy_dpo: Annotated[str, Field(min_length=1)] = (
        "the council's Data Protection Officer (details on the council's website)"
    )
    privacy_lawful_basis: Annotated[str, Field(min_length=1)] = "public task, UK GDPR Article 6(1)(e)"
    # Webhook mode (instead of polling): the public HTTPS address Telegram posts updates to, the
    # secret it must send with each, and the address this process listens on behind the proxy.
    webhook_url: AnyHttpUrl | None = None
    webhook_secret: SecretStr | None = None
    webhook_listen: str = "0.0.0.0:8443"

    @field_validator(
        "telegram_bot_token",
        "pseudonym_key",
        "team_chat_id",
        "safeguarding_chat_id",
        "safeguarding_phrases_file",
        "idea_blocklist_file",
        "about_you_file",
        "webhook_url",
        "webhook_secret",
        mode="before",
    )
    @classmethod
    def _blank_is_unset(cls, value: object) -> object:
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("telegram_bot_token")
    @classmethod
    def _token_shape(cls, value: SecretStr | None) -> SecretStr | None:
        if value is None:
            return None
        bot_id, _, secret = value.get_secret_value().partition(":")
        if not bot_id.isdigit() or not secret:
            # Never echo the value: it is a secret even when malformed.
            raise ValueError("should look like 123456789:ABC... (the token @BotFather gave you)")
        return value

    @field_validator("webhook_secret")
    @classmethod
    def _telegram_secret(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and not WEBHOOK_SECRET.match(value.get_secret_value()):
            raise ValueError(
                "should be 1 to 256 letters, digits, _ or -; make one with "
                "python -c 'import secrets; print(secrets.token_urlsafe(32))'"
            )
        return value

    @field_validator("webhook_listen")
    @classmethod
    def _host_and_port(cls, value: str) -> str:
        host, _, port = value.rpartition(":")
        if not host or not port.isdigit() or not 0 < int(port) < 65536:
            raise ValueError(f"should be host:port, e.g. 0.0.0.0:8443; not {value!r}")
        return value

    @model_validator(mode="after")
    def _webhook_has_secret(self) -> Settings:
        if self.webhook_url is not None and self.webhook_secret is None:
            raise ValueError("WEBHOOK_SECRET: needed when WEBHOOK_URL is set")
        return self

    @model_validator(mode="after")
    def _key_file_apart(self) -> Settings:
        if self.pseudonym_key is not None:
            return self  # the file is not used
        key_file, backups = self.pseudonym_key_file.resolve(), self.backup_dir.resolve()
        if key_file.parent == self.database_path.resolve().parent or key_file.is_relative_to(backups):
            raise ValueError(
                "PSEUDONYM_KEY_FILE: should not be beside the database or among its backups, where a"
                " copy of the folder would carry the key with the answers; choose another folder"
            )
        return self

    @field_validator("pseudonym_key")
    @classmethod
    def _strong_enough_key(cls, value: SecretStr | None) -> SecretStr | None:
        make_one = "make one with python -c 'import secrets; print(secrets.token_hex(32))'"
        if value is None:
            return value
        key = value.get_secret_value()
        if len(key) < 32:
            raise ValueError(f"should be at least 32 characters; {make_one}")
        if _guessable(key):
            raise ValueError(f"looks easy to guess (too few different characters, or a repeat); {make_one}")
        return value

    @field_validator("admin_ids", "worker_ids", "officer_ids", mode="before")
    @classmethod
    def _comma_separated_ids(cls, value: object) -> object:
        if isinstance(value, str):
            parts = [p.strip() for p in value.split(",") if p.strip()]
            bad = [p for p in parts if not p.lstrip("-").isdigit()]
            if bad:
                raise ValueError(f"should be numeric Telegram ids separated by commas, not {bad[0]!r}")
            return frozenset(int(p) for p in parts)
        return value

    @field_validator("feedback_topics", mode="before")
    @classmethod
    def _topics(cls, value: object) -> object:
        if not isinstance(value, str):
            return value
        topics = []
        for part in (p.strip() for p in value.split(",") if p.strip()):
            topic_id, _, label = part.partition(":")
            if not ID_PATTERN.match(topic_id.strip()) or not label.strip():
                raise ValueError(
                    f"should be id:label pairs separated by commas, e.g. hub:🏠 The hub; not {part!r}"
                )
            topics.append(FeedbackTopic(topic_id.strip(), label.strip()))
        if not topics:
            raise ValueError("needs at least one topic")
        return tuple(topics)

    @field_validator("summary_schedule")
    @classmethod
    def _readable_schedule(cls, value: str) -> str:
        parse_schedule(value)  # raises with the part that is wrong
        return value

    @field_validator("safeguarding_phrases_file", "idea_blocklist_file")
    @classmethod
    def _readable_file(cls, value: Path | None) -> Path | None:
        if value is not None and not value.is_file():
            raise ValueError(f"{value} is not a file")
        return value

    @field_validator("team_hours")
    @classmethod
    def _readable_team_hours(cls, value: str) -> str:
        TeamHours.parse(value)  # raises saying which part is wrong
        return value

    @field_validator("timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"{value!r} is not a known time zone, e.g. Europe/London") from None
        return value

    @property
    def photo_directory(self) -> Path:
        return self.photos_dir or self.database_path.parent / "photos"

    @property
    def summary_slots(self) -> tuple[Slot, ...]:
        return parse_schedule(self.summary_schedule)

    @property
    def team_schedule(self) -> TeamHours:
        """TEAM_HOURS in TIMEZONE: `is_open(moment)`, `next_open(moment)`, `describe()`."""
        return TeamHours.parse(self.team_hours, self.timezone)

    @property
    def safeguarding_chat(self) -> int | None:
        """Where alerts go: their own chat if set, else the team chat."""
        return self.safeguarding_chat_id or self.team_chat_id

    @property
    def staff_ids(self) -> frozenset[int]:
        """Everyone who may act on feedback and alerts (workers and admins)."""
        return self.worker_ids | self.admin_ids

    @property
    def api_root(self) -> str:
        return str(self.telegram_api_url).rstrip("/")


def load_settings(**overrides: object) -> Settings:
    """Read the settings, turning pydantic's report into one line per bad variable."""
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as error:
        lines = []
        for problem in error.errors():
            variable = str(problem["loc"][0]).upper() if problem["loc"] else "settings"
            reason = problem["msg"].removeprefix("Value error, ")
            lines.append(f"{variable}: {reason}" if problem["loc"] else reason)
        raise ConfigError("\n".join(lines)) from None


# A key this long whose characters carry less than this (by their own frequencies) is guessable:
# "kkkk…", "passwordpassword…". 32 random hex digits carry about 120; 64 about 240.
_KEY_BITS_MIN = 100


def _guessable(key: str) -> bool:
    counts = Counter(key)
    bits = -sum(n * math.log2(n / len(key)) for n in counts.values())
    repeats = any(key == key[:size] * (len(key) // size) + key[: len(key) % size] for size in range(1, 17))
    return bits < _KEY_BITS_MIN or repeats


def pseudonym_key(configured: SecretStr | None, key_file: Path, database_path: Path) -> bytes:
    """The secret behind anonymous answers: PSEUDONYM_KEY, or the key in PSEUDONYM_KEY_FILE
    (generated there the first time). Versions before PSEUDONYM_KEY_FILE generated it beside the
    database: one found there is still used (a new one would lose everyone's answers), with a
    warning saying how to move it."""
    if configured is not None:
        return configured.get_secret_value().encode()
    beside = database_path.with_name("pseudonym.key")
    if beside.exists():
        log.warning(
            "The pseudonym key is in %s, beside the database, where a copy of the folder carries it "
            "with the answers. Move it: put its contents in PSEUDONYM_KEY, or move the file to %s "
            "(PSEUDONYM_KEY_FILE); then delete it there.",
            beside,
            key_file,
        )
        if not key_file.exists():
            return _read_key(beside)
        if _read_key(beside) != _read_key(key_file):
            raise ConfigError(
                f"PSEUDONYM_KEY_FILE: {key_file} and {beside} (beside the database) hold different "
                "keys; keep the one the database's answers were filed with and delete the other"
            )
    if key_file.exists():
        return _read_key(key_file)
    try:
        key_file.parent.mkdir(parents=True, exist_ok=True)
        # Created 0600 from the start so the key is never readable by others, even briefly.
        descriptor = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except OSError as error:
        raise ConfigError(
            f"PSEUDONYM_KEY_FILE: cannot create {key_file} ({error.strerror}); set PSEUDONYM_KEY, "
            "or PSEUDONYM_KEY_FILE to a file the bot may write, away from the database"
        ) from None
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        handle.write(secrets.token_hex(32))
    log.warning(
        "PSEUDONYM_KEY is not set: generated one in %s (mode 0600). Keep a copy safe, apart from the "
        "database's backups; without it, anonymous answers cannot be matched to people who come back.",
        key_file,
    )
    return _read_key(key_file)


def _read_key(path: Path) -> bytes:
    return path.read_text(encoding="utf-8").strip().encode()
