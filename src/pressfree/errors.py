"""Errors a user can cause; the CLI prints each as one line and exits non-zero."""

from __future__ import annotations

SHOWN_CHARACTERS = 200  # a value echoed in a message is cut after this many characters


def shown(value: object) -> str:
    """A value as a message quotes it: repr, so blanks and control characters are visible,
    and cut short when long (a 100 KB cell is not echoed whole)."""
    text = repr(value)
    if len(text) <= SHOWN_CHARACTERS:
        return text
    length = len(value) if isinstance(value, (str, bytes, list, dict)) else len(text)
    return f"{text[: SHOWN_CHARACTERS - 1]}… ({length:,} characters)"


class PressfreeError(Exception):
    """A problem with the user's input or data: shown as one line, exit code 1."""

    exit_code = 1

    def at(self, where: str) -> PressfreeError:
        """The same error, said of a place in a file ("custody[2]")."""
        located = PressfreeError(f"{where}: {self}")
        located.exit_code = self.exit_code
        return located


class InvalidValue(PressfreeError):
    """A value given for a named field cannot be used (a usage error: exit code 2)."""

    exit_code = 2

    def __init__(self, field: str, value: object, reason: str):
        self.field, self.value, self.reason = field, value, reason
        super().__init__(f"{field}: {shown(value)} {reason}")

    def at(self, where: str) -> InvalidValue:
        return type(self)(f"{where}.{self.field}", self.value, self.reason)

    def __reduce__(self) -> tuple[type, tuple[str, object, str]]:  # sent between processes
        return type(self), (self.field, self.value, self.reason)


class UsageError(PressfreeError):
    """Options that do not go together, said in a sentence (exit code 2)."""

    exit_code = 2


class NotFound(PressfreeError):
    """An id, person or outlet the user named does not exist."""

    def __init__(self, what: str, value: object, reason: str = "not found"):
        self.field, self.value, self.reason = what, value, reason
        super().__init__(f"{what}: {shown(value)} {reason}")

    def at(self, where: str) -> NotFound:
        return NotFound(f"{where}.{self.field}", self.value, self.reason)


class Conflict(PressfreeError):
    """The request contradicts what is already stored (a release with no open custody)."""
