"""Hostile PDF and DOCX files, written by hand so every byte is known.

Each builder returns the bytes of one attack: a bomb that decompresses far
past any sane size, a file cut short, an encrypted file, garbage behind a
valid signature, objects nested deeper than any parser's recursion.
"""

from __future__ import annotations

import io
import random
import struct
import zipfile
import zlib
from collections.abc import Sequence

from tests.make_documents import sample_docx, sample_pdf


def raw_pdf(objects: Sequence[bytes], *, trailer_extra: bytes = b"") -> bytes:
    """A PDF whose object ``i + 1`` is ``objects[i]``, with a correct xref table."""
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R %s>>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        trailer_extra,
        xref,
    )
    return bytes(out)


def _stream(data: bytes, *, flate: bool = False, extra: bytes = b"") -> bytes:
    body = zlib.compress(data, 9) if flate else data
    filters = b" /Filter /FlateDecode" if flate else b""
    return b"<< /Length %d%s%s >>\nstream\n" % (len(body), filters, extra) + body + b"\nendstream"


def _one_page(contents: bytes, resources: bytes = b"<< /Font << /F1 4 0 R >> >>") -> list[bytes]:
    return [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources %s /Contents 5 0 R >>" % resources,
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        contents,
    ]


def text_pdf(line: str = "A page of plain text.") -> bytes:
    """A one-page PDF written by hand, with one line of text."""
    return raw_pdf(_one_page(_stream(b"BT /F1 12 Tf 72 720 Td (%s) Tj ET" % line.encode("latin-1"))))


def _deflated_spaces(size: int, wbits: int) -> tuple[bytes, int]:
    """Deflate ``size`` spaces fast: after a full flush the compressor starts afresh, so one
    megabyte's compressed block can be repeated; returns the stream and the CRC-32 of the input."""
    block = b" " * (1 << 20)
    packer = zlib.compressobj(9, zlib.DEFLATED, wbits)
    head = packer.compress(block) + packer.flush(zlib.Z_FULL_FLUSH)
    again = zlib.compressobj(9, zlib.DEFLATED, wbits)
    again.compress(block)
    again.flush(zlib.Z_FULL_FLUSH)
    repeat = again.compress(block) + again.flush(zlib.Z_FULL_FLUSH)
    count = size // len(block)
    crc, adler = 0, 1
    for _ in range(count):
        crc, adler = zlib.crc32(block, crc), zlib.adler32(block, adler)
    tail = zlib.compressobj(9, zlib.DEFLATED, -15).flush(zlib.Z_FINISH)
    if wbits < 0:
        return head + repeat * (count - 1) + tail, crc
    return head + repeat * (count - 1) + tail + adler.to_bytes(4, "big"), crc


def pdf_flate_bomb(size: int = 1 << 30) -> bytes:
    """A page whose content stream inflates from about a megabyte to ``size`` bytes of spaces."""
    packed, _ = _deflated_spaces(size, 15)
    contents = b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(packed) + packed + b"\nendstream"
    return raw_pdf(_one_page(contents))


def pdf_nested(depth: int = 200_000) -> bytes:
    """A page whose resources hold an array nested ``depth`` levels deep."""
    nested = b"[" * depth + b"]" * depth
    resources = b"<< /Font << /F1 4 0 R >> /Deep %s >>" % nested
    return raw_pdf(_one_page(_stream(b"BT /F1 12 Tf 72 720 Td (deep) Tj ET"), resources))


def pdf_many_pages(count: int) -> bytes:
    """``count`` pages sharing one content stream: tiny bytes, many pages."""
    kids = b" ".join(b"%d 0 R" % (5 + i) for i in range(count))
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [%s] /Count %d >>" % (kids, count),
        _stream(b"BT /F1 12 Tf 72 720 Td (Same page again.) Tj ET"),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    page = (
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842]"
        b" /Resources << /Font << /F1 4 0 R >> >> /Contents 3 0 R >>"
    )
    return raw_pdf(objects + [page] * count)


def pdf_garbage() -> bytes:
    """A PDF signature followed by random bytes."""
    return b"%PDF-1.7\n" + random.Random(7).randbytes(200_000)


def pdf_truncated() -> bytes:
    """The sample PDF cut at a third of its length."""
    data = sample_pdf()
    return data[: len(data) // 3]


def pdf_encrypted() -> bytes:
    """The sample PDF, encrypted with a user password (RC4-128: pypdf writes it without a crypto library)."""
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(sample_pdf())))
    writer.encrypt(user_password="secret", owner_password="owner", algorithm="RC4-128")
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def pdf_scanned() -> bytes:
    """A PDF whose only page is a picture: no text layer."""
    from tests.make_documents import PdfPage, pdf_bytes

    return pdf_bytes([PdfPage(image_only=True), PdfPage(image_only=True)])


def _replace_member(
    data: bytes, name: str, content: bytes | None, method: int = zipfile.ZIP_DEFLATED
) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(data))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", method) as target:
        for info in source.infolist():
            if info.filename != name:
                target.writestr(info.filename, source.read(info.filename))
        if content is not None:
            target.writestr(name, content)
    return buffer.getvalue()


def docx_zip_bomb(size: int = 1 << 30) -> bytes:
    """A DOCX-shaped archive whose word/document.xml inflates to ``size`` bytes of spaces."""
    name = b"word/document.xml"
    packed, crc = _deflated_spaces(size, -15)
    fields = struct.pack("<HHHHHIII", 20, 0, 8, 0, 0x21, crc, len(packed), size)
    local = b"PK\x03\x04" + fields + struct.pack("<HH", len(name), 0) + name
    central = (
        b"PK\x01\x02"
        + struct.pack("<H", 20)
        + fields
        + struct.pack("<HHHHHII", len(name), 0, 0, 0, 0, 0, 0)
        + name
    )
    end = b"PK\x05\x06" + struct.pack("<HHHHIIH", 0, 0, 1, 1, len(central), len(local) + len(packed), 0)
    return local + packed + central + end


def docx_many_members(count: int = 60_000) -> bytes:
    """A DOCX with ``count`` extra empty members: a central directory to exhaust a reader."""
    buffer = io.BytesIO(sample_docx())
    with zipfile.ZipFile(buffer, "a", zipfile.ZIP_STORED) as target:
        for i in range(count):
            target.writestr(f"extra/item{i}.xml", b"")
    return buffer.getvalue()


def docx_nested(depth: int = 100_000) -> bytes:
    """A DOCX whose body nests ``depth`` structured-document tags."""
    body = b"<w:sdt><w:sdtContent>" * depth + b"</w:sdtContent></w:sdt>" * depth
    xml = (
        b'<?xml version="1.0" encoding="UTF-8"?><w:document '
        b'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>'
        + body
        + b"</w:body></w:document>"
    )
    # Stored, not deflated: the nesting, not the inflation ratio, is what is tried.
    return _replace_member(sample_docx(), "word/document.xml", xml, zipfile.ZIP_STORED)


def docx_entities() -> bytes:
    """A DOCX whose document.xml declares the 'billion laughs' entities."""
    lol = b"".join(
        b'<!ENTITY l%d "&l%d;&l%d;&l%d;&l%d;&l%d;&l%d;&l%d;&l%d;&l%d;&l%d;">' % ((i,) + (i - 1,) * 10)
        for i in range(1, 10)
    )
    xml = (
        b'<?xml version="1.0"?><!DOCTYPE w:document [<!ENTITY l0 "lol">' + lol + b"]>"
        b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
        b"<w:body><w:p><w:r><w:t>&l9;</w:t></w:r></w:p></w:body></w:document>"
    )
    return _replace_member(sample_docx(), "word/document.xml", xml)


def docx_truncated() -> bytes:
    """The sample DOCX cut at half its length (no central directory)."""
    data = sample_docx()
    return data[: len(data) // 2]


def zip_not_docx() -> bytes:
    """A zip archive without word/document.xml (a spreadsheet's shape)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as target:
        target.writestr("xl/workbook.xml", b"<workbook/>")
    return buffer.getvalue()
