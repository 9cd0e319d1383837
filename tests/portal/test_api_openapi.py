"""The OpenAPI document lists every API route the app serves."""

import re


def test_openapi_document_covers_every_api_route(app, client):
    spec = client.get("/api/v1/openapi.json").get_json()
    assert spec["openapi"].startswith("3.")
    documented = {(path, method.upper()) for path, item in spec["paths"].items()
                  for method in item}
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/v1/") or rule.rule.endswith("openapi.json"):
            continue
        path = re.sub(r"<(?:[a-z]+:)?([a-z_]+)>", r"{\1}", rule.rule[len("/api/v1"):])
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            assert (path, method) in documented, f"{method} {rule.rule} is not in openapi.json"


def test_rate_limited_operations_document_429_with_retry_after(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    limited = [("/search", "get"), ("/suggest", "get"), ("/requests", "post"),
               ("/requests/{ref}/comments", "post"), ("/requests/{ref}/status", "post"),
               ("/departments/{dept}/{offering}", "put")]
    for path, method in limited:
        answer = spec["paths"][path][method]["responses"]["429"]
        assert answer == {"$ref": "#/components/responses/TooManyRequests"}, (path, method)
    too_many = spec["components"]["responses"]["TooManyRequests"]
    assert "Retry-After" in too_many["headers"]
    assert "too_many_requests" in too_many["description"]
    assert "429" not in spec["paths"]["/departments"]["get"]["responses"]
