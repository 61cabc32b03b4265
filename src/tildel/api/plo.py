"""POST /api/v1/plo/: a hospital's PLO message as XML (the message service's adapter posts
what it receives). The message is always kept; the answer says what became of it."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.parsers import BaseParser
from rest_framework.response import Response
from rest_framework.views import APIView

from tildel.exchange import plo
from tildel.exchange.models import PloMessage

from .errors import _body


class RawXml(BaseParser):
    media_type = "*/*"

    def parse(self, stream, media_type=None, parser_context=None):
        return stream.read(plo.MAX_BYTES + 1)


class PloReceive(APIView):
    """Receive one PLO message. 201 processed or already received (duplicate), 422 kept in
    quarantine with the reason, 413 too large; 403 for roles outside the office."""

    parser_classes = [RawXml]

    @extend_schema(operation_id="plo_receive", request={"application/xml": str},
                   responses={201: OpenApiResponse(description="Behandlet"),
                              422: OpenApiResponse(description="I karantene")})
    def post(self, request):
        if not request.user.is_office_role:
            return Response(_body("Bare tildelingskontoret kan ta imot sykehusmeldinger."),
                            status=403)
        content = request.data if isinstance(request.data, bytes) else b""
        message = plo.receive(content, source="HTTP", user=request.user)
        body = {"id": message.pk, "status": message.status,
                "meldingstype": message.message_type or None}
        if len(content) > plo.MAX_BYTES:  # kept (the first part) in quarantine
            return Response({**_body(message.reason), **body}, status=413)
        if message.status == PloMessage.Status.QUARANTINED:
            return Response({**_body(message.reason), **body}, status=422)
        return Response(body, status=201)
