"""What a command's exit code says, and the errors that choose it.

A scheduler (cron, systemd, Airflow, `wirebeam watch`) acts on the code:
retrying helps after 1, 3, 4 and 5 once the cause is gone, never after 2.
"""

from __future__ import annotations

EXIT_OK = 0
EXIT_FAILED = 1  # the run started and failed: the traceback says where; its files are moved aside next run
EXIT_USAGE = 2  # bad options or a bad file named on the command line: fix the command
EXIT_LOCKED = 3  # another run holds the state: this run did nothing
EXIT_STORAGE = 4  # the output or state location could not be reached: the run stopped there
EXIT_DATA = 5  # a file in the output or state cannot be read: the message names it


class UsageError(ValueError):
    """Options or command-line input that cannot work; the message says what to change."""


class StoreUnavailable(Exception):
    """A storage location could not be listed, read or written, after a short retry."""

    def __init__(self, action: str, location: str, cause: BaseException | str) -> None:
        self.action = action
        self.location = location
        self.cause = cause
        super().__init__(
            f"could not {action} {location} ({cause}). The run stopped there. Check that the "
            "location exists and is spelled right, that this machine has credentials for it (for gs://: "
            "gcloud auth application-default login, or a service account), and that the network reaches it."
        )
