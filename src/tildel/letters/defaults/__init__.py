"""Default letter bodies, one per kind; an administrator may replace them in the admin."""

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
    if kind not in LETTER_KINDS:
        raise KeyError(kind)
    return resources.files(__package__).joinpath(f"{kind}.html").read_text(encoding="utf-8")
