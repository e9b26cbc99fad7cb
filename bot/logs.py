"""Logging set-up: plain lines on stderr, and the bot token never written anywhere."""

from __future__ import annotations

import logging
import sys
from typing import TextIO

_REDACTED = "<token>"
# httpx logs every request URL at INFO, and the URL contains the token.
NOISY_LOGGERS = ("httpx", "httpcore")


class RedactSecrets(logging.Filter):
    """Replace each secret in a record's final text, whatever library logged it."""

    def __init__(self, secrets: list[str]) -> None:
        super().__init__()
        self._secrets = [s for s in secrets if s]

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if any(secret in message for secret in self._secrets):
            for secret in self._secrets:
                message = message.replace(secret, _REDACTED)
            record.msg, record.args = message, None
        if record.exc_info and record.exc_info[1] is not None:
            # Exceptions are formatted later by the handler; pre-format and redact them now.
            text = logging.Formatter().formatException(record.exc_info)
            for secret in self._secrets:
                text = text.replace(secret, _REDACTED)
            record.exc_info, record.exc_text = None, text
        return True


class _ToStandardError(logging.StreamHandler):
    """Writes to whatever `sys.stderr` is when a line is logged, not the one at set-up: a caller
    that swaps it (pytest's capture, a supervisor's redirect) never leaves logging writing to a
    closed stream."""

    @property  # type: ignore[override]
    def stream(self) -> TextIO:
        return sys.stderr

    @stream.setter
    def stream(self, value: TextIO) -> None:
        pass


def configure(secrets: list[str], level: int = logging.INFO) -> None:
    handler = _ToStandardError()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(RedactSecrets(secrets))
    logging.basicConfig(level=level, handlers=[handler], force=True)
    for noisy in NOISY_LOGGERS:
        logging.getLogger(noisy).setLevel(logging.WARNING)
