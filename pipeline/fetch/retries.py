"""When a request is tried again, and how long to wait first.

Retried: HTTP 408/429/500/502/503/504, timeouts, refused or broken connections and a
temporary resolver failure (not NXDOMAIN); waits are exponential backoff with jitter,
or what Retry-After asks for (the client defers the host past a cap instead).
"""

from __future__ import annotations

import email.utils
import random
import socket
from datetime import datetime, timezone

from pipeline.records import StageError

RETRY_STATUSES = frozenset({408, 429, 500, 502, 503, 504})
RETRYABLE_ERRORS = frozenset({"timeout", "connect_error"})
# Errors that say the host is in trouble (not that one page is gone).
HOST_FAILURE_ERRORS = frozenset({"timeout", "connect_error", "dns_error", "tls_error"})


def parse_retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """Seconds to wait from a Retry-After header (delta-seconds or HTTP-date)."""
    if value is None:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when is None:
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return max(0.0, (when - (now or datetime.now(timezone.utc))).total_seconds())


def backoff_delay(attempt: int, base: float, rng: random.Random) -> float:
    """Exponential backoff (base, 2*base, 4*base...) jittered 0.5-1.5x."""
    return base * (2 ** (attempt - 1)) * rng.uniform(0.5, 1.5)


def retryable(err: StageError) -> bool:
    if err.error_type in RETRYABLE_ERRORS:
        return True
    cause = err.__cause__
    # Only a temporary resolver failure is worth another try, not NXDOMAIN.
    return err.error_type == "dns_error" and isinstance(cause, socket.gaierror) and cause.errno == socket.EAI_AGAIN
