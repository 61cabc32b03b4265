"""Response headers for pages that may carry personal data."""

from __future__ import annotations


class NoStoreForPersonalDataMiddleware:
    """Signed-in pages are never stored by browsers or proxies (Cache-Control: no-store)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            response["Cache-Control"] = "no-store"
        return response
