"""Domain errors raised by storage and translated into polite replies in exactly one place (handlers)."""

from datetime import datetime


class DomainError(Exception):
    """Base of every refusal a lifecycle function can give."""


class NotFound(DomainError):
    """No such thing, or not one the caller may see (the two are indistinguishable on purpose)."""


class NotAllowed(DomainError):
    """The caller may see it but not do this to it; `reason` names why, for the refusal's wording."""

    def __init__(self, reason: str = "") -> None:
        super().__init__(reason)
        self.reason = reason


class IllegalTransition(DomainError):
    """The appeal is not in a state this action applies to."""

    def __init__(self, status: str) -> None:
        super().__init__(status)
        self.status = status


class Repeated(DomainError):
    """The same words the same person just gave the appeal (a second tap, a message resent while the network
    stalled): nothing is recorded or sent again; `at` is when the first one was."""

    def __init__(self, at: datetime) -> None:
        super().__init__(at.isoformat())
        self.at = at
