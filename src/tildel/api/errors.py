"""Structured API errors: Norwegian messages per field, and the right 4xx status."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from tildel.casework.services import StaleEdit


def _body(message: str, fields: dict | None = None) -> dict:
    return {"feil": message, "felt": fields or {}}


def exception_handler(exc, context):
    if isinstance(exc, StaleEdit):
        return Response(_body(exc.messages[0]), status=status.HTTP_409_CONFLICT)
    if isinstance(exc, DjangoValidationError):
        if hasattr(exc, "error_dict"):
            fields = {k: list(v) for k, v in exc.message_dict.items()}
            return Response(_body("Forespørselen inneholder feil.", fields),
                            status=status.HTTP_400_BAD_REQUEST)
        return Response(_body(" ".join(exc.messages)), status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, Http404):
        return Response(_body("Finnes ikke, eller du har ikke tilgang."),
                        status=status.HTTP_404_NOT_FOUND)
    if isinstance(exc, PermissionDenied):
        return Response(_body("Du har ikke tilgang til dette."),
                        status=status.HTTP_403_FORBIDDEN)
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    data = response.data
    if isinstance(data, dict) and set(data) == {"detail"}:
        response.data = _body(str(data["detail"]))
    elif isinstance(data, dict):
        response.data = _body("Forespørselen inneholder feil.",
                              {k: [str(m) for m in (v if isinstance(v, list) else [v])]
                               for k, v in data.items()})
    else:
        response.data = _body("Forespørselen inneholder feil.", {"ikke_felt": data})
    return response
