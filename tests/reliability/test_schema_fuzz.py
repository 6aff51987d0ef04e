"""Schemathesis against the app's own /openapi.json, in process: every operation, valid and invalid input.

Each documented operation gets generated requests, both valid ones and ones
that break the schema (wrong types, out-of-range numbers, unknown fields,
wrong content types, wrong methods), and every response must pass
schemathesis's checks: no server error, a documented status code and content
type, a body that matches the documented response schema, and invalid input
refused with a 4xx. The run is bounded by ``MAX_EXAMPLES`` per operation so
the whole file stays within a minute or two on two cores.
"""

from __future__ import annotations

import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_schema_conformance,
    status_code_conformance,
)

from app import create_app
from tests.reliability import schemathesis_hooks  # noqa: F401  (registers the hooks)

MAX_EXAMPLES = 400

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    negative_data_rejection,
]

schema = schemathesis.openapi.from_wsgi("/openapi.json", create_app({"TESTING": True}))


def test_every_operation_is_fuzzed():
    operations = {result.ok().label for result in schema.get_all_operations()}
    assert {"POST /chunking", "POST /semantic-chunking", "POST /answer", "GET /metrics"} <= operations


def test_the_playground_page_conforms_too():
    # GET / answers a browser with HTML; schemathesis asks for JSON unless told.
    case = schema["/"]["GET"].Case()
    response = case.call_and_validate(headers={"Accept": "text/html"}, checks=CHECKS)
    assert response.headers["content-type"][0].startswith("text/html")


@schema.parametrize()
@settings(max_examples=MAX_EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
def test_api_conforms_to_its_schema(case):
    case.call_and_validate(checks=CHECKS)
