"""The one exception a command raises for a problem a person can fix.

Its message says what is wrong and how to fix it; its exit code is what the
command returns (1: the input is wrong, 2: the command line is wrong). Commands
print the message and return the code; ``__main__`` does the same for any that
escapes, so a person never sees a traceback for a mistake they can mend.
"""

from __future__ import annotations


class UserError(Exception):
    """A problem a person can fix; ``exit_code`` is what the command returns for it."""

    def __init__(self, message: str, exit_code: int = 1) -> None:
        super().__init__(message)
        self.exit_code = exit_code
