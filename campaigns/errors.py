"""Domain errors: each carries a message a user can act on.

Messages are written in English with ``{placeholders}`` and marked with ``N_`` so
that the web layer can translate them (French by default) without the domain
importing Flask. ``str(error)`` gives the English text, for logs and the CLI.
"""
from __future__ import annotations


def N_(message: str) -> str:
    """Mark a string for translation; it is translated where it is shown."""
    return message


class DomainError(Exception):
    """A rule was broken by the input; nothing was written."""

    def __init__(self, message: str, field: str | None = None, **params):
        self.message = message
        self.field = field
        self.params = params
        super().__init__(message.format(**plain_params(params)) if params else message)


def plain_params(params: dict, translate=lambda s: s) -> dict:
    """Params ready to format: a list (of N_ labels) becomes its items, translated, joined by commas; a domain
    error (the reason behind this one) becomes its message, translated."""
    def plain(value):
        if isinstance(value, (list, tuple)):
            return ", ".join(translate(str(v)) for v in value)
        if isinstance(value, DomainError):
            text = translate(value.message)
            return text.format(**plain_params(value.params, translate)) if value.params else text
        return value
    return {k: plain(value) for k, value in params.items()}


class NotFound(DomainError):
    pass


class PermissionDenied(DomainError):
    pass


class Conflict(DomainError):
    """The thing changed under the user's feet (a lease taken over, a stale card...)."""


class ValidationError(DomainError):
    """Several field errors at once: ``errors`` maps field -> DomainError."""

    def __init__(self, errors: dict[str, DomainError]):
        self.errors = errors
        first = next(iter(errors.values()))
        super().__init__(first.message, field=first.field, **first.params)
