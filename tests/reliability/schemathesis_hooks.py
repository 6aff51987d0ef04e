"""Schemathesis hooks for chunkwise, shared by the in-process test and the command line.

The command line loads them with ``SCHEMATHESIS_HOOKS=tests.reliability.schemathesis_hooks``
(see benchmarks/RESULTS.md, "Reliability").
"""

from __future__ import annotations

import schemathesis
from hypothesis import strategies as st
from schemathesis.core.parameters import ParameterLocation

from app.core.documents import DOCX_TYPE, PDF_TYPE
from tests.hostile_documents import text_pdf, zip_not_docx
from tests.make_documents import sample_docx

# Raw document bodies: a real document, or bytes that only claim to be one
# (the service must answer them with a 4xx, never a 5xx). Random bytes are left
# to tests/core/test_documents.py and tests/live/test_hostile_documents.py: drawn
# here, they made schemathesis (4.32) fail while generating other cases
# ("Unsupported type: 'Binary'") whenever another test had run first.
schemathesis.openapi.media_type(PDF_TYPE, st.sampled_from([text_pdf("A fuzzed page."), b"%PDF-1.7\n"]))
schemathesis.openapi.media_type(DOCX_TYPE, st.sampled_from([sample_docx(), zip_not_docx()]))
# A multipart file part as text: schemathesis 4.32 otherwise wraps generated
# bytes in a type its own negative-data filters cannot validate, and some seeds
# stop inside its case generator ("Unsupported type: 'Binary'").
schemathesis.openapi.format("binary", st.text(max_size=64))


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
