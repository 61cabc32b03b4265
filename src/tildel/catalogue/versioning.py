"""Adding a version of a catalogue entry without rewriting the one before it."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction


def add_version(new_version, *, owner_field: str) -> None:
    """Save ``new_version`` and close the version that was open when it starts.

    ``owner_field`` names the foreign key that groups the versions (``service`` or
    ``measure``). A version must start after every earlier one: history is appended to,
    never rewritten.
    """
    model = type(new_version)
    owner = {owner_field: getattr(new_version, owner_field)}
    with transaction.atomic():
        latest = (model.objects.select_for_update().filter(**owner)
                  .order_by("-valid_from").first())
        if latest is not None:
            if new_version.valid_from <= latest.valid_from:
                raise ValidationError({"valid_from": (
                    "Ny versjon må gjelde fra en dato etter forrige versjon "
                    f"({latest.valid_from:%d.%m.%Y}).")})
            if latest.valid_to is None or latest.valid_to >= new_version.valid_from:
                latest.valid_to = new_version.valid_from - dt.timedelta(days=1)
                latest.save(update_fields=["valid_to"])
        new_version.save()
