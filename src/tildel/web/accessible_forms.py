"""Form helper: fields with errors tell assistive technology so (WCAG 2.1, 3.3.1)."""

from __future__ import annotations


class AccessibleErrorsMixin:
    """After validation, an invalid field gets ``aria-invalid`` and points at its message.

    The message element is rendered by ``web/_field.html`` with id ``<field id>_error``.
    """

    def full_clean(self):
        super().full_clean()
        for name in self.errors:
            if name in self.fields:
                widget = self.fields[name].widget
                widget.attrs["aria-invalid"] = "true"
                widget.attrs["aria-describedby"] = f"{self[name].id_for_label}_error"
