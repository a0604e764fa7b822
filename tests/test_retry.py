"""The retry policy on its own: no HTTP, no real sleeping."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from email.utils import format_datetime

import pytest

from pipeline.backends.retry import (
    Failure,
    RequestCounter,
    RetryPolicy,
    error_reasons,
    retry_after_seconds,
    retryable_answer,
)
from pipeline.errors import BackendError, QuotaError

NOW = datetime(2024, 3, 1, 2, 0, 0, tzinfo=UTC).timestamp()


def _http_date(seconds_from_now: float) -> str:
    return format_datetime(datetime.fromtimestamp(NOW + seconds_from_now, tz=UTC), usegmt=True)


RETRY_AFTER_CASES = [
    ("3", 3.0),
    ("0", 0.0),
    ("1.5", 1.5),
    ("  12 ", 12.0),
    ("-4", 0.0),
    (_http_date(10), 10.0),
    (_http_date(-30), 0.0),
    ("", None),
    (None, None),
    ("soon", None),
    ("nan", None),
    ("inf", None),
]


@pytest.mark.parametrize(("header", "expected"), RETRY_AFTER_CASES)
def test_retry_after_seconds(header: str | None, expected: float | None) -> None:
    assert retry_after_seconds(header, now=NOW) == expected


class Script:
    """An attempt function that plays failures from a list, then succeeds."""

    def __init__(self, *outcomes: Failure | str) -> None:
        self.outcomes = list(outcomes)
        self.calls = 0

    def __call__(self) -> str | Failure:
        self.calls += 1
        return self.outcomes.pop(0) if self.outcomes else "ok"


def policy(sleeps: list[float], *, attempts: int = 6, rng: Callable[[], float] = lambda: 0.5) -> RetryPolicy:
    return RetryPolicy(max_attempts=attempts, sleep=sleeps.append, rng=rng, clock=lambda: NOW)


QUOTA = Failure("HTTP 429 RESOURCE_EXHAUSTED: quota", 429)
UNAVAILABLE = Failure("HTTP 503 UNAVAILABLE", 503)
RESET = Failure("connection to sheets.googleapis.com failed (Connection reset by peer)")


def test_success_after_transient_failures() -> None:
    sleeps: list[float] = []
    attempt = Script(QUOTA, UNAVAILABLE, RESET)
    assert policy(sleeps).run(attempt, what="test call") == "ok"
    assert attempt.calls == 4
    assert len(sleeps) == 3


def test_full_jitter_exponential_backoff_capped() -> None:
    top = RetryPolicy(rng=lambda: 0.999999)
    assert [round(top.backoff(n)) for n in range(1, 9)] == [1, 2, 4, 8, 16, 32, 32, 32]
    assert RetryPolicy(rng=lambda: 0.0).backoff(5) == 0.0
    sleeps: list[float] = []
    policy(sleeps, rng=lambda: 0.25).run(Script(UNAVAILABLE, UNAVAILABLE, UNAVAILABLE), what="x")
    assert sleeps == [0.25, 0.5, 1.0]


def test_retry_after_replaces_the_backoff() -> None:
    sleeps: list[float] = []
    policy(sleeps).run(Script(Failure("429", 429, "7"), Failure("503", 503, _http_date(20))), what="x")
    assert sleeps == [7.0, 20.0]


@pytest.mark.parametrize("attempts", [1, 2, 4])
def test_attempts_are_bounded(attempts: int) -> None:
    sleeps: list[float] = []
    attempt = Script(*[UNAVAILABLE] * 50)
    with pytest.raises(BackendError) as caught:
        policy(sleeps, attempts=attempts).run(attempt, what="Google request sheets.batchGet", where="sheet X")
    assert attempt.calls == attempts
    assert len(sleeps) == attempts - 1
    error = caught.value
    assert not isinstance(error, QuotaError)
    assert "sheets.batchGet" in str(error) and "sheet X" in str(error)
    assert ("1 attempt" if attempts == 1 else f"{attempts} attempts") in str(error)
    assert error.fix


def test_quota_error_when_the_last_failure_is_429() -> None:
    with pytest.raises(QuotaError) as caught:
        policy([], attempts=3).run(Script(UNAVAILABLE, *[QUOTA] * 100), what="x")
    assert "60 requests a minute" in caught.value.fix


@pytest.mark.parametrize("rng", [lambda: 0.0, lambda: 0.5, lambda: 0.999])
def test_a_quota_refusal_is_waited_out_past_the_minute_refill(rng: Callable[[], float]) -> None:
    sleeps: list[float] = []
    attempt = Script(*[QUOTA] * 100)
    with pytest.raises(QuotaError) as caught:
        policy(sleeps, rng=rng).run(attempt, what="sheets.batchUpdate")
    assert sum(sleeps) >= 60  # Google refills the per-minute quota: give it that minute
    assert sum(sleeps) - sleeps[-1] < RetryPolicy().quota_wait  # and not much more
    assert attempt.calls == len(sleeps) + 1 > 6
    assert f"{sum(sleeps):.0f} s of waiting" in str(caught.value)


def test_a_quota_refusal_that_clears_within_the_minute_succeeds() -> None:
    sleeps: list[float] = []
    assert policy(sleeps).run(Script(*[QUOTA] * 8), what="x") == "ok"
    assert len(sleeps) == 8


def test_a_quota_retry_after_is_waited_at_least() -> None:
    sleeps: list[float] = []
    policy(sleeps, rng=lambda: 0.0).run(Script(Failure("429", 429, "20"), Failure("429", 429, "0")), what="x")
    assert sleeps[0] == 20.0 and sleeps[1] > 0  # "0" never turns into a busy loop


def test_a_rate_limit_403_counts_as_quota() -> None:
    limited = Failure("HTTP 403 userRateLimitExceeded", 403, quota=True)
    with pytest.raises(QuotaError):
        policy([], attempts=2).run(Script(*[limited] * 100), what="drive.files.get")


def test_error_reasons_from_both_error_shapes() -> None:
    body = (
        '{"error": {"code": 403, "status": "PERMISSION_DENIED", "errors": [{"reason": "accessNotConfigured"}],'
        ' "details": [{"@type": "type.googleapis.com/google.rpc.ErrorInfo", "reason": "SERVICE_DISABLED"}]}}'
    )
    assert error_reasons(body) == {"accessNotConfigured", "SERVICE_DISABLED", "PERMISSION_DENIED"}
    assert error_reasons("<html>502</html>") == set()
    assert error_reasons('{"error": "invalid_grant"}') == set()


def test_backend_error_when_the_last_failure_is_not_429() -> None:
    with pytest.raises(BackendError) as caught:
        policy([], attempts=2).run(Script(QUOTA, RESET), what="x")
    assert not isinstance(caught.value, QuotaError)
    assert "Connection reset" in str(caught.value)
    assert "internet connection" in caught.value.fix


def test_retry_after_longer_than_allowed_gives_up_at_once() -> None:
    sleeps: list[float] = []
    attempt = Script(Failure("429", 429, "3600"))
    with pytest.raises(QuotaError) as caught:
        policy(sleeps).run(attempt, what="x")
    assert attempt.calls == 1 and sleeps == []
    assert "3600 s" in str(caught.value)


def test_no_budget_leaks_from_one_call_to_the_next() -> None:
    sleeps: list[float] = []
    retry = policy(sleeps, attempts=3)
    with pytest.raises(BackendError):
        retry.run(Script(*[UNAVAILABLE] * 5), what="first")
    sleeps.clear()
    second = Script(UNAVAILABLE, UNAVAILABLE)
    assert retry.run(second, what="second") == "ok"
    assert second.calls == 3
    assert sleeps == [0.5, 1.0]  # backoff starts again from the first step


def test_other_errors_are_not_retried() -> None:
    calls = []

    def attempt() -> str:
        calls.append(1)
        raise ValueError("a 400 is not worth retrying")

    with pytest.raises(ValueError):
        policy([]).run(attempt, what="x")
    assert calls == [1]


def test_not_recursive() -> None:
    attempt = Script(*[UNAVAILABLE] * 4999)
    assert policy([], attempts=5000).run(attempt, what="x") == "ok"


def test_max_attempts_must_be_positive() -> None:
    with pytest.raises(ValueError):
        RetryPolicy(max_attempts=0)


def test_request_counter_snapshot_is_a_copy() -> None:
    counter = RequestCounter()
    counter.add("sheets.batchGet")
    snap = counter.snapshot()
    counter.add("sheets.batchGet")
    assert snap == {"sheets.batchGet": 1}
    assert counter.snapshot() == {"sheets.batchGet": 2}


RATE_LIMITED = '{"error": {"code": 403, "message": "slow", "errors": [{"reason": "rateLimitExceeded"}]}}'
FORBIDDEN = '{"error": {"code": 403, "message": "no", "status": "PERMISSION_DENIED"}}'
# status, error body, Retry-After -> (status, retry_after, quota) of the failure to retry, None when final
ANSWER_CASES: list[tuple[int, str, str | None, tuple[int, str | None, bool] | None]] = [
    (200, "{}", None, None),
    (400, '{"error": {"code": 400, "message": "bad"}}', None, None),
    (403, FORBIDDEN, None, None),
    (404, "", None, None),
    (403, RATE_LIMITED, None, (403, None, True)),
    (429, "", "30", (429, "30", False)),
    (408, "", None, (408, None, False)),
    (500, "", None, (500, None, False)),
    (502, "<html><title>502</title></html>", None, (502, None, False)),
    (503, "", "Wed, 21 Oct 2015 07:28:00 GMT", (503, "Wed, 21 Oct 2015 07:28:00 GMT", False)),
    (504, "", None, (504, None, False)),
]


@pytest.mark.parametrize(("status", "body", "retry_after", "expected"), ANSWER_CASES)
def test_retryable_answer(
    status: int, body: str, retry_after: str | None, expected: tuple[int, str | None, bool] | None
) -> None:
    failure = retryable_answer(status, body, retry_after)
    if expected is None:
        assert failure is None
    else:
        assert failure is not None and (failure.status, failure.retry_after, failure.quota) == expected
        assert failure.reason.startswith(f"HTTP {status}")
