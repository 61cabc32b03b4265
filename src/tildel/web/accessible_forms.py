"""Form helper: fields with errors tell assistive technology so (WCAG 2.1, 3.3.1)."""

from __future__ import annotations


class AccessibleErrorsMixin:
    """After validation, an invalid field gets ``aria-invalid`` and points at its message.

    The message element is rendered by ``web/_field.html`` with id ``<field id>_error``.

    A form shown beside others on one page sets ``id_prefix``: its fields get ids
    ``<id_prefix>_<name>`` instead of Django's ``id_<name>``, so no id repeats on the page
    and every label, help text and message points at its own field. Field names, and so
    the posted data, stay the same.
    """

    id_prefix = ""

    def __init__(self, *args, **kwargs):
        if self.id_prefix:
            kwargs.setdefault("auto_id", f"{self.id_prefix}_%s")
        super().__init__(*args, **kwargs)

    def full_clean(self):
        super().full_clean()
        for name in self.errors:
            if name in self.fields:
                widget = self.fields[name].widget
                widget.attrs["aria-invalid"] = "true"
                widget.attrs["aria-describedby"] = f"{self[name].id_for_label}_error"
