"""`/healthz` for load balancers and monitoring: JSON, never cached, never rate-limited,
no session and no personal data."""

from __future__ import annotations

from flask import Blueprint, jsonify
from werkzeug.wrappers import Response

from .extensions import limiter
from .operations import health_report

bp = Blueprint("health", __name__)


@bp.get("/healthz")
@limiter.exempt
def healthz() -> tuple[Response, int]:
    report, status = health_report()
    response = jsonify(report)
    response.headers["Cache-Control"] = "no-store"
    return response, status
