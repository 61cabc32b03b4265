"""The fields of an HTML form as a browser would send them (for the load test)."""

from __future__ import annotations

from html.parser import HTMLParser


class FormFields(HTMLParser):
    """The fields of a POST form of a page, as a browser would send them unchanged."""

    def __init__(self, action: str = ""):
        """``action``: the form posting there (the page itself when empty)."""
        super().__init__()
        self.fields: list[tuple[str, str]] = []
        self.action, self._inside, self._done = action, False, False
        self._select: str | None = None
        self._option: str | None = None
        self._selected: bool = False
        self._textarea: str | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form" and not self._done and (a.get("method") or "").lower() == "post" \
                and (a.get("action") or "") == self.action:
            self._inside = True
        if not self._inside:
            return
        name = a.get("name")
        if tag == "input" and name and a.get("type") not in ("submit", "button"):
            if a.get("type") in ("checkbox", "radio") and "checked" not in a:
                return
            self.fields.append((name, a.get("value") or ""))
        elif tag == "select" and name:
            self._select, self._option, self._selected = name, None, False
        elif tag == "option" and self._select and not self._selected:
            if "selected" in a:
                self._option, self._selected = a.get("value", ""), True
            elif self._option is None:  # a browser sends the first option by default
                self._option = a.get("value", "")
        elif tag == "textarea" and name:
            self._textarea = name
            self.fields.append((name, ""))

    def handle_data(self, data):
        if self._textarea:
            name, value = self.fields[-1]
            self.fields[-1] = (name, value + data)

    def handle_endtag(self, tag):
        if tag == "textarea":
            self._textarea = None
        elif tag == "select" and self._select:
            self.fields.append((self._select, self._option or ""))
            self._select, self._selected = None, False
        elif tag == "form" and self._inside:
            self._inside, self._done = False, True
