"""/api/v1/indicators/ (the catalogue) and /api/v1/figures/ (computed key figures).

The figures follow the same scope and suppression as the dashboard
(``tildel.insight.services``); bad input answers 400 with the field at fault, a grouping
or role without access 403, in the API's error shape (``api.errors``).
"""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from tildel.insight import services
from tildel.rules import indicators as ind

from .errors import _body

FIELD_NAMES = {"indicators": "indicators", "from": "from", "to": "to", "period": "period",
               "by": "by"}


def _describe(indicator: ind.Indicator) -> dict:
    return {
        "code": indicator.code, "name": indicator.name, "definition": indicator.definition,
        "unit": indicator.unit.key, "topic": indicator.topic,
        "numerator": indicator.numerator_name, "denominator": indicator.denominator_name or None,
        "categories": [{"code": c, "name": n} for c, n in indicator.categories],
        "groupings": ["municipality", *indicator.groupings],
        "sources": [{"report": s.report, "lines": s.lines, "note": s.note}
                    for s in indicator.sources],
    }


class IndicatorListView(APIView):
    """The indicator catalogue with definitions and sources (no personal data)."""

    @extend_schema(operation_id="indicators_list", responses={200: dict})
    def get(self, request):
        return Response({"indicators": [_describe(i) for i in ind.INDICATORS]})


class FiguresView(APIView):
    """Key figures: ?indicators=a,b&from=YYYY-MM&to=YYYY-MM&period=month&by=district;
    from today's stored run where it covers the request ("stored": true) unless
    ?fresh=true."""

    @extend_schema(operation_id="figures_list", responses={200: dict}, parameters=[
        OpenApiParameter("indicators", str, description="Kommaseparerte koder; tom = alle"),
        OpenApiParameter("from", str, required=True, description="ÅÅÅÅ-MM"),
        OpenApiParameter("to", str, required=True, description="ÅÅÅÅ-MM"),
        OpenApiParameter("period", str, enum=list(ind.PERIOD_KINDS)),
        OpenApiParameter("by", str, enum=list(ind.GROUPINGS)),
        OpenApiParameter("fresh", bool, description="true: beregn fra sakene nå, ikke fra "
                                                    "dagens lagrede tall")])
    def get(self, request):
        from tildel.insight import exports

        query = request.query_params
        try:
            figure_request = services.parse_request(
                query.get("indicators"), query.get("from", ""), query.get("to", ""),
                query.get("period", "month"), query.get("by", "district"))
            figures = services.figures_for(request.user, figure_request,
                                           fresh=query.get("fresh") in ("true", "1"))
        except services.InsightError as error:
            fields = {FIELD_NAMES[error.field]: [error.message]} if error.field else {}
            return Response(_body(error.message, fields), status=error.status)
        return Response(exports.as_json(figures))
