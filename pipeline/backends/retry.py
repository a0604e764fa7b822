"""The retry policy shared by every Google call: bounded, jittered, honest about giving up.

One attempt is one HTTP request. A caller hands `RetryPolicy.run` a function
that makes one attempt and either returns the result, raises an error that must
not be retried, or returns a `Failure` describing a transient problem (HTTP 429,
500, 502, 503, 504, a reset or aborted connection, a timeout). `run` waits and
tries again, at most `max_attempts` times in all, then raises `QuotaError` (the
last failure was a 429) or `BackendError` (anything else).

Waiting follows "exponential backoff with full jitter": before retry n the wait
is a random time in [0, min(max_delay, base_delay * 2**(n-1))). A `Retry-After`
header, in seconds or as an HTTP date, replaces that wait; a server asking for
more than `max_retry_after` seconds is taken at its word and the call gives up
at once rather than hold a nightly run for an hour.

A quota refusal (429, or a 403 whose reason is a rate limit) is different:
Google refills the quota once a minute, so such a call keeps trying, past
`max_attempts` if need be, until it has waited `quota_wait` seconds in all
(at least a minute), with "equal jitter" waits (half fixed, half random) and
never less than a Retry-After asks.

Nothing here does I/O: sleep, randomness and the clock are injected, and no state
survives between calls, so one failing call never shortens the next one's budget.
"""

from __future__ import annotations

import json
import math
import random
import re
import threading
import time
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from typing import TypeVar

from pipeline.errors import BackendError, QuotaError

T = TypeVar("T")

RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
# Reasons Google gives in a 403 that mean "too fast", not "not allowed".
RATE_LIMIT_REASONS = frozenset(
    {"rateLimitExceeded", "userRateLimitExceeded", "RATE_LIMIT_EXCEEDED", "dailyLimitExceeded"}
)

_QUOTA_FIX = (
    "Google limits each account to 60 requests a minute (300 a minute per Cloud project); "
    "wait a few minutes and run again, and make sure no other job uses the same service account. "
    "A higher quota can be requested in Cloud console > APIs & Services > the API > Quotas"
)
_SERVER_FIX = (
    "Google's service answered with an error several times in a row; this is usually temporary: "
    "run again later, or check https://www.google.com/appsstatus"
)
_NETWORK_FIX = (
    "check this computer's internet connection, proxy and firewall; if the network is slow, "
    "raise google.timeout in the settings"
)


@dataclass(frozen=True)
class Failure:
    """A transient failure of one attempt, worth another try."""

    reason: str  # e.g. "HTTP 503 UNAVAILABLE: backend error" or "connection reset by the server"
    status: int | None = None  # HTTP status; None for a connection problem or a timeout
    retry_after: str | None = None  # the Retry-After header as received
    quota: bool = False  # a rate-limit refusal sent as 403
    fix: str = ""  # the advice when this failure is the last one, instead of the default

    @property
    def is_quota(self) -> bool:
        return self.status == 429 or self.quota


NOT_JSON_FIX = (
    "Google's answer was cut short or was not Google's at all (a proxy or captive-portal page); "
    "the published tabs are as before: run again, and if it persists check the proxy or firewall "
    "between this computer and Google"
)


def is_json(body: bytes) -> bool:
    """Whether an answer Google marked as a success is whole JSON (a cut or HTML body is not)."""
    try:
        json.loads(body)
    except ValueError:
        return False
    return True


def not_json_failure(status: int, body: bytes) -> Failure:
    head = error_text(body.decode("utf-8", "replace"))
    return Failure(
        f"HTTP {status} with an answer that is not JSON ({len(body)} bytes: {head})", status, fix=NOT_JSON_FIX
    )


def retryable_answer(status: int, body: str, retry_after: str | None) -> Failure | None:
    """The failure to retry for a Google answer with this status and error body, None when it is final.

    429, 408 and 5xx are worth another try, and so is a 403 whose reason is a rate limit.
    """
    quota = status == 403 and bool(error_reasons(body) & RATE_LIMIT_REASONS)
    if status in RETRY_STATUSES or status == 408 or quota:
        return Failure(f"HTTP {status} {error_text(body)}".rstrip(), status, retry_after, quota=quota)
    return None


def error_text(body: str) -> str:
    """Google's error JSON as "STATUS: message"; the title of an HTML page; else the start of the text."""
    try:
        error = json.loads(body)["error"]
    except (ValueError, KeyError, TypeError):
        title = re.search(r"<title>(.*?)</title>", body, re.I | re.S)
        text = title.group(1) if title else re.sub(r"<[^>]*>", " ", body)
        return " ".join(text.split())[:200]
    if isinstance(error, dict):
        return f"{error.get('status', '')}: {error.get('message', '')}".strip(": ")
    return str(error)[:200]


def error_reasons(body: str) -> set[str]:
    """Every reason in a Google error JSON: errors[].reason (v3 style) and details[].reason (ErrorInfo)."""
    try:
        error = json.loads(body).get("error", {})
    except (ValueError, AttributeError):
        return set()
    if not isinstance(error, dict):
        return set()
    out = {str(e.get("reason")) for e in error.get("errors", []) if isinstance(e, dict) and e.get("reason")}
    out |= {str(d.get("reason")) for d in error.get("details", []) if isinstance(d, dict) and d.get("reason")}
    if error.get("status"):
        out.add(str(error["status"]))
    return out


def retry_after_seconds(value: str | None, *, now: float) -> float | None:
    """Seconds a Retry-After header asks for: delay-seconds or an HTTP date (RFC 9110 10.2.3).

    `now` is a POSIX timestamp. Returns None when absent or unreadable, 0 for a date in the past.
    """
    if value is None:
        return None
    text = value.strip()
    if not text:
        return None
    try:
        seconds = float(text)
    except ValueError:
        pass
    else:
        return max(seconds, 0.0) if math.isfinite(seconds) else None
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:  # an HTTP date is always GMT
        return None
    return max(when.timestamp() - now, 0.0)


@dataclass(frozen=True)
class RetryPolicy:
    max_attempts: int = 6
    base_delay: float = 1.0
    max_delay: float = 32.0
    max_retry_after: float = 300.0
    quota_wait: float = 75.0  # seconds a quota refusal is waited out in all before giving up
    max_quota_attempts: int = 40  # a bound even when Google keeps asking for no wait at all
    sleep: Callable[[float], None] = time.sleep
    rng: Callable[[], float] = random.random
    clock: Callable[[], float] = time.time

    def __post_init__(self) -> None:
        if self.max_attempts < 1:
            raise ValueError("max_attempts must be at least 1")

    def quota_backoff(self, retry: int) -> float:
        """The wait before retry `retry` of a quota refusal: half the capped exponential, plus jitter."""
        cap = min(self.max_delay, self.base_delay * 2.0 ** min(retry - 1, 60))
        return cap / 2 + self.rng() * cap / 2

    def backoff(self, retry: int) -> float:
        """The jittered wait before retry number `retry` (1 for the first retry)."""
        cap = min(self.max_delay, self.base_delay * 2.0 ** min(retry - 1, 60))
        return self.rng() * cap

    def run(self, attempt: Callable[[], T | Failure], *, what: str, where: str = "") -> T:
        """Call `attempt` until it returns a result, at most `max_attempts` times.

        `what` names the operation for the error message ("Sheets values:batchGet"),
        `where` the object it was about (a spreadsheet or form id).
        """
        failure: Failure | None = None
        waited = 0.0
        number = 0
        while True:
            number += 1
            outcome = attempt()
            if not isinstance(outcome, Failure):
                return outcome
            failure = outcome
            if number >= self.max_attempts and not (
                failure.is_quota and waited < self.quota_wait and number < self.max_quota_attempts
            ):
                break
            asked = retry_after_seconds(failure.retry_after, now=self.clock())
            if asked is not None and asked > self.max_retry_after:
                raise _give_up(
                    failure,
                    what=what,
                    where=where,
                    attempts=number,
                    note=f"; Google asked to wait {asked:.0f} s, longer than the "
                    f"{self.max_retry_after:.0f} s this run is willing to wait",
                )
            if failure.is_quota:
                wait = max(asked or 0.0, self.quota_backoff(number))
            else:
                wait = asked if asked is not None else self.backoff(number)
            self.sleep(wait)
            waited += wait
        raise _give_up(failure, what=what, where=where, attempts=number, waited=waited)


def _give_up(
    failure: Failure, *, what: str, where: str, attempts: int, note: str = "", waited: float = 0.0
) -> BackendError:
    tries = "1 attempt" if attempts == 1 else f"{attempts} attempts"
    spent = f" and {waited:.0f} s of waiting" if waited >= 1 else ""
    message = f"{what} failed after {tries}{spent}: {failure.reason}{note}"
    if failure.is_quota:
        return QuotaError(message, where=where, fix=failure.fix or _QUOTA_FIX)
    fix = failure.fix or (_NETWORK_FIX if failure.status is None else _SERVER_FIX)
    return BackendError(message, where=where, fix=fix)


@dataclass
class RequestCounter:
    """Requests sent, by kind ("sheets.batchGet", "oauth.token", ...); every attempt counts."""

    _counts: Counter[str] = field(default_factory=Counter)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, kind: str) -> None:
        with self._lock:
            self._counts[kind] += 1

    def snapshot(self) -> Mapping[str, int]:
        with self._lock:
            return dict(self._counts)
