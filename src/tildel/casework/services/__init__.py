"""Casework service functions: views and the API call these, never the models directly.

Each function checks the rules, writes in one transaction and logs on the case's timeline.
"""

from django.core.exceptions import ValidationError


class CaseworkError(ValidationError):
    """A rule stopped the action; ``message_dict`` or ``messages`` say why, in Norwegian."""


class StaleEdit(CaseworkError):
    """Someone else saved the same draft after it was opened (optimistic locking)."""
