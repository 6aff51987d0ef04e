"""Schemathesis hooks for chunkwise, shared by the in-process test and the command line.

The command line loads them with ``SCHEMATHESIS_HOOKS=tests.reliability.schemathesis_hooks``
(see benchmarks/RESULTS.md, "Reliability").
"""

from __future__ import annotations

import schemathesis
from schemathesis.core.parameters import ParameterLocation


def _overlap(case) -> set[str]:
    if case.media_type == "multipart/form-data" and isinstance(case.body, dict) and case.query:
        return set(case.body) & set(case.query)
    return set()


@schemathesis.hook
def map_case(context, case):
    # Valid query options are dropped where the service does not read them
    # as the schema alone would suggest; a query string made invalid on
    # purpose is kept, so refusing it is still tested.
    if case.query and not (case.meta is not None and case.meta.is_negative_at(ParameterLocation.QUERY)):
        if case.media_type == "application/json":
            # Beside JSON any query string is a 400 (tested in test_hostile_inputs);
            # sent with every JSON body, it would stop nearly all of them there.
            case.query = {}
        else:
            # With a multipart body a form field wins over the same option in the
            # query string (tests/http/test_chunking.py), which OpenAPI cannot say.
            case.query = {k: v for k, v in case.query.items() if k not in _overlap(case)}
    return case


@schemathesis.hook
def filter_case(context, case):
    # What map_case could not resolve: an invalid query option that a form field overrides.
    return not _overlap(case)
