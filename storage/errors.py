"""Domain errors raised by storage and translated into polite replies in exactly one place (handlers)."""


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
