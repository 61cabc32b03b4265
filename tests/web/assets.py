"""Checks that a page loads nothing from another host (no CDN, works without a network)."""

from __future__ import annotations

import re

_REFERENCE = re.compile(r"""<(?:script|link|img|iframe)\b[^>]*?\b(?:src|href)=["']([^"']+)["']""",
                        re.IGNORECASE)


def external_references(html: str) -> list[str]:
    """Every script, stylesheet, image or frame address that is not on this server."""
    return [address for address in _REFERENCE.findall(html)
            if not address.startswith(("/", "#", "data:")) or address.startswith("//")]
