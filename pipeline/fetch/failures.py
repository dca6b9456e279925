"""What went wrong with a request, as a StageError with a stable code and a clear message."""

from __future__ import annotations

import socket
import ssl

from urllib3.exceptions import (
    ConnectTimeoutError,
    DecodeError,
    NewConnectionError,
    ProtocolError,
    ReadTimeoutError,
    SSLError,
)

from pipeline.fetch.transport import RequestAttempt
from pipeline.records import StageError


def deadline_error(attempt: RequestAttempt, url: str) -> StageError:
    return StageError(
        "timeout", f"{url} took longer than the {attempt.policy.deadline:g} s deadline for one request; gave up"
    )


def raise_if_expired(attempt: RequestAttempt, url: str) -> None:
    if attempt.expired:
        raise deadline_error(attempt, url)


def classify(exc: BaseException, attempt: RequestAttempt, url: str) -> StageError:
    """Turn a network exception into a StageError with a stable code."""
    if isinstance(exc, StageError):
        return exc
    if attempt.expired:
        return deadline_error(attempt, url)
    if isinstance(exc, DecodeError):
        return StageError("decode_error", f"{url}: body does not match its content-encoding ({exc})")
    if isinstance(exc, NewConnectionError):  # checked first: urllib3 makes it a ConnectTimeoutError subclass
        return StageError("connect_error", f"{url}: cannot connect ({exc}); is the site down?")
    if isinstance(exc, ConnectTimeoutError):
        return StageError("timeout", f"{url}: connect timed out ({exc})")
    if isinstance(exc, (ReadTimeoutError, TimeoutError)):
        return StageError(
            "timeout", f"{url}: no data for {attempt.policy.read_timeout:g} s (read timeout); the server stalled"
        )
    if isinstance(exc, (SSLError, ssl.SSLError, ssl.CertificateError)):
        return StageError(
            "tls_error",
            f"{url}: TLS failed ({exc}); certificates are always verified, so a self-signed or "
            "expired certificate cannot be fetched",
        )
    if isinstance(exc, ProtocolError) and exc.args and isinstance(exc.args[-1], (TimeoutError, socket.timeout)):
        return StageError("timeout", f"{url}: read timed out ({exc})")
    if isinstance(exc, (ProtocolError, NewConnectionError, OSError)):
        return StageError("connect_error", f"{url}: connection failed or broke off ({exc})")
    return StageError("connect_error", f"{url}: {type(exc).__name__}: {exc}")


def with_attempts(err: StageError, attempts: int, prefix: str = "") -> StageError:
    return StageError(err.error_type, prefix + err.message, http_status=err.http_status, attempts=attempts)


def http_error_message(url: str, status: int, attempts: int) -> str:
    if status >= 500:
        return f"{url} answered HTTP {status} (server error) after {attempts} attempt(s); try again later"
    if status in (401, 403):
        return f"{url} answered HTTP {status}: access refused; the page needs a login or blocks crawlers"
    if status == 429:
        return f"{url} answered HTTP 429 (too many requests) after {attempts} attempt(s); raise --per-host-delay"
    if status in (404, 410):
        return f"{url} answered HTTP {status}: the page is gone; drop or fix the link"
    return f"{url} answered HTTP {status}"
