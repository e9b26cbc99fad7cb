"""SQL for roles granted in chat, and the record of every change."""

from __future__ import annotations

from datetime import datetime
from sqlite3 import Connection


def all_roles(db: Connection) -> dict[int, str]:
    return {row[0]: row[1] for row in db.execute("SELECT user_id, role FROM roles")}


def set_role(db: Connection, user_id: int, role: str | None, admin_id: int, now: datetime) -> None:
    """Grant `role` (replacing any other), or revoke with None; the change is recorded."""
    stamp = now.isoformat(timespec="seconds")
    if role is None:
        db.execute("DELETE FROM roles WHERE user_id = ?", (user_id,))
    else:
        db.execute(
            "INSERT INTO roles (user_id, role, granted_by, granted_at) VALUES (?, ?, ?, ?)"
            " ON CONFLICT (user_id) DO UPDATE SET role = excluded.role, granted_by = excluded.granted_by,"
            " granted_at = excluded.granted_at",
            (user_id, role, admin_id, stamp),
        )
    db.execute(
        "INSERT INTO role_changes (user_id, role, changed_by, changed_at) VALUES (?, ?, ?, ?)",
        (user_id, role, admin_id, stamp),
    )
