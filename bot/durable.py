"""Making a file written by rename survive a power cut (shared by backups and photos)."""

from __future__ import annotations

import os
from pathlib import Path


def sync_dir(directory: Path) -> None:
    """Make a rename in `directory` survive a power cut."""
    descriptor = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
