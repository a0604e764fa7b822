"""The project's exceptions.

Every error a user can cause says what is wrong, where, and how to fix it.
The CLI turns them into a message and an exit code; nothing else catches them.

    PipelineError
    ├── ConfigError        a settings, calendar, contacts or schema file is wrong
    ├── SourceError        a form's sheet cannot be read as that form (missing tab, unmatched columns)
    ├── BackendError       a spreadsheet store failed (file unreadable, API error after retries)
    │   └── QuotaError     the Google API kept refusing with 429 after every retry
    ├── StateError         the state database is unusable (damaged)
    ├── StorageError       a folder on this computer is read-only or its disk is full
    ├── LockError          another run holds the lock, or another program the state database
    ├── MailError          sending mail failed for a reason that is not one recipient's
    └── RecipientsRefused  (pipeline.mailer) the server refused some recipients; the others got the mail
"""

from __future__ import annotations


class PipelineError(Exception):
    """Base of every error the pipeline raises on purpose."""

    exit_code = 1

    def __init__(self, message: str, *, where: str = "", fix: str = "", thai: str = "") -> None:
        self.message = message
        self.where = where
        self.fix = fix
        self.thai = thai  # the same in Thai, for the office staff who read the log or the cron mail
        super().__init__(self.__str__())

    def __str__(self) -> str:
        parts = [f"{self.where}: {self.message}" if self.where else self.message]
        if self.fix:
            parts.append(f"fix: {self.fix}")
        if self.thai:
            parts.append(self.thai)
        return "\n  ".join(parts)


class ConfigError(PipelineError):
    exit_code = 2


class FormsUnavailable(ConfigError):
    """The store has no Google Forms to read a form_id from (local and memory stores)."""


class SourceError(PipelineError):
    exit_code = 3


class BackendError(PipelineError):
    exit_code = 4


class QuotaError(BackendError):
    pass


class StateError(PipelineError):
    exit_code = 5


class StorageError(PipelineError):
    exit_code = 7


class LockError(PipelineError):
    exit_code = 75  # EX_TEMPFAIL: cron may simply try again later


class MailError(PipelineError):
    exit_code = 6
