"""Making what was written survive a power cut: a file written by rename (backups, photos), or
the database's write-ahead log (the inbox)."""

from __future__ import annotations

import os
from pathlib import Path


def sync_dir(directory: Path) -> None:
    """Make a rename in `directory` survive a power cut."""
    sync(directory)


def sync(path: Path) -> None:
    """Make what was written to `path` (a file, or a folder's entries) survive a power cut."""
    descriptor = os.open(path, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
