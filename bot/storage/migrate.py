"""Apply migrations/NNNN_name.sql in order, each in one transaction recorded in that transaction."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from bot.storage.db import Database

log = logging.getLogger(__name__)

MIGRATIONS_DIR = Path(__file__).resolve().parents[2] / "migrations"
_NAME = re.compile(r"^(\d{4})_([a-z0-9_]+)\.sql$")


class MigrationError(Exception):
    """The database cannot be brought up to date; the message says why in plain words."""


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    path: Path


def available(directory: Path = MIGRATIONS_DIR) -> list[Migration]:
    if not any(directory.glob("*.sql")):
        # e.g. a non-editable install, which leaves migrations/ behind: never run on no schema.
        raise MigrationError(f"{directory}: no migrations found; run youthvoice from its source folder")
    migrations = []
    for path in sorted(directory.glob("*.sql")):
        match = _NAME.match(path.name)
        if not match:
            raise MigrationError(f"{path}: migration files are named NNNN_name.sql")
        migrations.append(Migration(int(match[1]), match[2], path))
    versions = [m.version for m in migrations]
    if len(set(versions)) != len(versions):
        raise MigrationError(f"{directory}: two migrations share a number")
    return migrations


async def applied_versions(db: Database) -> set[int]:
    await db.run_script(
        "CREATE TABLE IF NOT EXISTS schema_migrations ("
        " version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)"
    )
    rows = await db.fetch_all("SELECT version FROM schema_migrations")
    return {row["version"] for row in rows}


async def migrate(db: Database, directory: Path = MIGRATIONS_DIR) -> list[Migration]:
    """Bring the database up to date; returns the migrations applied (none if already current)."""
    migrations = available(directory)
    done = await applied_versions(db)
    newest_known = max((m.version for m in migrations), default=0)
    if done and max(done) > newest_known:
        raise MigrationError(
            f"{db.path}: the database is at schema version {max(done)} but this code only knows "
            f"up to {newest_known}. It was written by a newer youthvoice: upgrade the code, "
            "or restore a backup made by this version."
        )
    applied = []
    for migration in migrations:
        if migration.version in done:
            continue
        sql = migration.path.read_text(encoding="utf-8")
        stamp = datetime.now(UTC).isoformat(timespec="seconds")
        record = (
            "INSERT INTO schema_migrations (version, name, applied_at) "
            f"VALUES ({migration.version}, '{migration.name}', '{stamp}');"
        )
        try:
            await db.run_script(f"BEGIN IMMEDIATE;\n{sql}\n;{record}\nCOMMIT;")
        except Exception as error:
            raise MigrationError(f"{migration.path.name}: {error}") from error
        log.info("Applied migration %04d_%s", migration.version, migration.name)
        applied.append(migration)
    return applied
