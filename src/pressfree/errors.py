"""Errors a user can cause; the CLI prints each as one line and exits non-zero."""


class PressfreeError(Exception):
    """A problem with the user's input or data: shown as one line, exit code 1."""

    exit_code = 1


class InvalidValue(PressfreeError):
    """A value given for a named field cannot be used (a usage error: exit code 2)."""

    exit_code = 2

    def __init__(self, field: str, value: object, reason: str):
        self.field, self.value, self.reason = field, value, reason
        super().__init__(f"{field}: {value!r} {reason}")


class NotFound(PressfreeError):
    """An id, person or outlet the user named does not exist."""

    def __init__(self, what: str, value: object, reason: str = "not found"):
        self.field, self.value = what, value
        super().__init__(f"{what}: {value!r} {reason}")


class Conflict(PressfreeError):
    """The request contradicts what is already stored (a release with no open custody)."""
