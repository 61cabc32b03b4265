"""Default letter bodies (standardbrev), one Django-template HTML fragment per kind.

The file name is the kind. An administrator may replace a body in the admin; these are
the texts used until then. Plain bokmål, "du"-form, short sentences.
"""

from __future__ import annotations

from importlib import resources

LETTER_KINDS: dict[str, str] = {
    "acknowledgement": "Forvaltningsmelding",
    "preliminary_reply": "Foreløpig svar",
    "decision": "Vedtak",
    "complaint_received": "Bekreftelse på klage",
    "complaint_forwarded": "Oversendelse av klage",
}


def default_template(kind: str) -> str:
    """The default body for ``kind``; ``KeyError`` for an unknown kind."""
    if kind not in LETTER_KINDS:
        raise KeyError(kind)
    return resources.files(__package__).joinpath(f"{kind}.html").read_text(encoding="utf-8")
