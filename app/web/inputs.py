"""Reading a request into a dict of fields, whatever its content type.

``/chunking`` and ``/semantic-chunking`` take a JSON object, a text/plain
body with options in the query string, or multipart/form-data with a
``file`` part and options as form fields or query string. Where multipart is
read, a raw PDF or DOCX body is too, with options in the query string; the
file or body is a document (PDF, DOCX, HTML, Markdown, text) whose extracted
text becomes ``text`` (see :mod:`app.web.documents`). JSON values are
validated strictly (``"5"`` is not a number); query and form values are
strings, so they are converted by the field's type. A text body or an
uploaded part is decoded by its ``charset`` parameter, UTF-8 by default.
"""

from __future__ import annotations

import codecs
from typing import Any, NamedTuple

from flask import request

from app.web.documents import DOCUMENT_TYPES, read_document
from app.web.errors import InvalidBody, InvalidField, UnsupportedMediaType, content_type_hint
from app.web.jsonio import loads_telling_surrogates, read_body

JSON = "application/json"
TEXT = "text/plain"
MULTIPART = "multipart/form-data"


class Fields(NamedTuple):
    """A request's fields, and how far they are already checked."""

    values: dict[str, Any]
    #: They came as typed JSON (validate strictly), not as strings.
    typed: bool
    #: No string among them holds a lone surrogate (the JSON reader ruled it out).
    text_checked: bool = False


def read_fields(accepted: tuple[str, ...] = (JSON,)) -> Fields:
    """Read the request's fields.

    Args:
        accepted: The content types the endpoint reads.

    Returns:
        The fields, whether they came as typed JSON, and whether their
        strings are known to be free of lone surrogates.

    Raises:
        UnsupportedMediaType: For any other content type.
        InvalidBody: For malformed JSON, a non-object, or invalid UTF-8.
        InvalidField: For a query string beside a JSON body, naming its first key.
    """
    mimetype = request.mimetype
    if mimetype == JSON and JSON in accepted:
        _no_query()
        return _json_object()
    if mimetype == TEXT and TEXT in accepted:
        charset = request.mimetype_params.get("charset")
        text = decode_text(request.get_data(cache=False), charset, "text")
        return Fields({**_query(), "text": text}, False)
    if mimetype == MULTIPART and MULTIPART in accepted:
        return Fields(_multipart(), False)
    if mimetype in DOCUMENT_TYPES and MULTIPART in accepted:
        fields = _query()
        data = request.get_data(cache=False)
        fields["text"] = read_document(
            data,
            fields,
            filename="",
            content_type=mimetype,
            field="body",
            decode=lambda raw: decode_text(raw, None, "body"),
        )
        return Fields(fields, False)
    got = mimetype or "none"
    readable = accepted + DOCUMENT_TYPES if MULTIPART in accepted else accepted
    raise UnsupportedMediaType(
        f"Content-Type must be one of {', '.join(readable)} (got {got}); {content_type_hint(accepted)}"
    )


def _json_object() -> Fields:
    # Parsed here rather than by request.get_json(), whose 400 hides the
    # reason outside debug mode; the client deserves to know what is wrong.
    try:
        data, checked = loads_telling_surrogates(read_body())
    except UnicodeDecodeError as exc:
        raise InvalidBody(f"the body is not valid UTF-8 (byte {exc.start})", "body") from None
    except ValueError as exc:
        raise InvalidBody(f"the body is not valid JSON: {exc}", "body") from None
    if not isinstance(data, dict):
        raise InvalidBody("the body must be a JSON object", "body")
    return Fields(data, True, checked)


def _no_query() -> None:
    # With a JSON body the options are in the body; a query string beside it
    # would otherwise be ignored without a word, and the client would get the
    # default it did not ask for.
    # The raw query string first: parsing it into request.args costs more
    # than the rest of this check on a request without one, the usual case.
    key = next(iter(request.args), None) if request.query_string else None
    if key is not None:
        raise InvalidField(f"{key}: with a JSON body, options go in the body, not in the query string", key)


def decode_text(raw: bytes, charset: str | None, field: str) -> str:
    """Decode a text body or an uploaded part by its declared charset, UTF-8 when none is.

    A UTF-8 byte order mark is dropped: editors on some systems write one,
    and it is no part of the text.

    Args:
        raw: The bytes as sent.
        charset: The ``charset`` parameter of the body's or part's content
            type, if it has one.
        field: The input named in errors (``text`` or ``file``).

    Returns:
        The text.

    Raises:
        UnsupportedMediaType: The charset is not one Python knows as a text encoding.
        InvalidField: The bytes are not valid in the charset.
    """
    name = (charset or "utf-8").strip().strip('"')
    try:
        # utf-8-sig reads UTF-8 and drops a leading byte order mark.
        encoding = "utf-8-sig" if codecs.lookup(name).name == "utf-8" else name
        # Decoding refuses codecs that map bytes to bytes (base64, zlib): they are not charsets.
        return raw.decode(encoding)
    except LookupError:
        raise UnsupportedMediaType(
            f"{field}: unknown charset {name!r}; send UTF-8 or a charset such as iso-8859-1, "
            "windows-1252, utf-16",
            field,
        ) from None
    except UnicodeDecodeError as exc:
        said = f"the declared charset {name}" if charset else "UTF-8 (no charset was declared)"
        raise InvalidField(f"{field} is not valid {said}: bad byte at offset {exc.start}", field) from None


def _query() -> dict[str, Any]:
    fields: dict[str, Any] = {}
    for key, values in request.args.lists():
        if len(values) > 1:
            raise InvalidField(f"{key} is given more than once", key)
        fields[key] = values[0]
    return fields


def _multipart() -> dict[str, Any]:
    form_keys = set(request.form) | set(request.files)
    fields = {k: v for k, v in _query().items() if k not in form_keys}
    for name, values in request.form.lists():
        # A part without a name arrives as "" over HTTP; a WSGI caller can hand
        # the form over parsed, with None for that name: both are the name "".
        key = "" if name is None else str(name)
        if len(values) > 1:
            raise InvalidField(f"{key} is given more than once", key)
        fields[key] = values[0]
    if "text" in fields:
        raise InvalidField("send the text as the file part, not as a text field", "text")
    upload = request.files.get("file")
    if upload is None:
        raise InvalidField("multipart requests need a file part named 'file'", "file")
    extra = set(request.files) - {"file"}
    if extra:
        raise InvalidField(f"unknown file part {sorted(extra)[0]!r}", sorted(extra)[0])
    charset = upload.mimetype_params.get("charset")
    fields["text"] = read_document(
        upload.read(),
        fields,
        filename=upload.filename or "",
        content_type=upload.mimetype,
        field="file",
        decode=lambda raw: decode_text(raw, charset, "file"),
        charset_declared=charset is not None,
    )
    return fields
