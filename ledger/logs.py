"""Structured JSON logs (structlog), configured once, that never carry personal data.

Log events are snake_case facts (``household_referred``) with ids and codes.
Two safety nets catch mistakes: values under keys that name personal data are
replaced, and any nine-digit number that passes the BSN elfproef is masked.
``Personal`` values already print as ``Personal(***)``.
"""

from __future__ import annotations

import logging
import re
import sys
from collections.abc import MutableMapping
from typing import Any

import structlog

from ledger.aggregates import Personal, is_valid_bsn

__all__ = ["PERSONAL_KEYS", "configure_logging", "redact"]

PERSONAL_KEYS = frozenset(
    {"name", "full_name", "first_name", "last_name", "bsn", "birth_date", "address", "phone", "email",
     "summary", "notes", "rationale", "reason_text", "description", "contact_name"}
)
_NINE_DIGITS = re.compile(r"(?<!\d)\d{9}(?!\d)")


def _mask_bsn(text: str) -> str:
    return _NINE_DIGITS.sub(lambda m: "[bsn]" if is_valid_bsn(m.group()) else m.group(), text)


def redact(_logger: Any, _method: str, event_dict: MutableMapping[str, Any]) -> MutableMapping[str, Any]:
    """structlog processor: drop personal fields, mask BSNs in any string."""
    for key, value in list(event_dict.items()):
        if key in PERSONAL_KEYS or isinstance(value, Personal):
            event_dict[key] = "[redacted]"
        elif isinstance(value, str):
            event_dict[key] = _mask_bsn(value)
    return event_dict


class _CurrentStderr:
    """Writes to whatever ``sys.stderr`` is at the moment of writing, not at configuration.

    A logger bound to the stream object of its configuration time writes into a closed
    file once that stream is replaced and closed (a test's captured stderr, a redirected
    CLI), and a log line must never make a save fail.
    """

    def write(self, text: str) -> int:
        return sys.stderr.write(text)

    def flush(self) -> None:
        sys.stderr.flush()


def configure_logging(level: str = "info", *, json: bool = True) -> None:
    renderer = structlog.processors.JSONRenderer() if json else structlog.dev.ConsoleRenderer(colors=False)
    structlog.configure(
        processors=[
            structlog.contextvars.merge_contextvars,
            structlog.processors.add_log_level,
            structlog.processors.TimeStamper(fmt="iso", utc=True),
            redact,
            renderer,
        ],
        wrapper_class=structlog.make_filtering_bound_logger(getattr(logging, level.upper())),
        logger_factory=structlog.PrintLoggerFactory(file=_CurrentStderr()),  # type: ignore[arg-type]  # PrintLogger only writes and flushes
        cache_logger_on_first_use=False,
    )
