"""Reading members of a zip archive without trusting it.

A zip bomb declares small compressed sizes that inflate a thousandfold; a
crafted directory lists a hundred thousand members. The directory is checked
before any member is inflated: the number of members, each member's declared
size, the total, and the inflation ratio of large members. Reading is then
capped at the declared size (``zipfile`` stops there and checks the CRC), so
a member that lies about its size cannot inflate further either.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass

from app.core.documents.errors import DocumentTooLarge, UnreadableDocument


@dataclass(frozen=True, slots=True)
class ZipLimits:
    """Bounds on an archive.

    Attributes:
        max_members: Most entries in the directory.
        max_total: Most bytes all members inflate to, together.
        max_ratio: Highest inflated/compressed ratio of a member over ``ratio_floor`` bytes.
        ratio_floor: Members smaller than this are exempt from the ratio (tiny XML parts compress well).
    """

    max_members: int = 10_000
    max_total: int = 256 * 1024 * 1024
    max_ratio: int = 100
    ratio_floor: int = 1024 * 1024


def open_zip(data: bytes, limits: ZipLimits) -> zipfile.ZipFile:
    """Open ``data`` as a zip archive whose directory is within ``limits``.

    Raises:
        UnreadableDocument: Not a readable archive.
        DocumentTooLarge: Too many members, or members that inflate too far.
    """
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        raise UnreadableDocument(
            "this DOCX file is damaged or incomplete (its zip directory is unreadable)"
        ) from None
    members = archive.infolist()
    if len(members) > limits.max_members:
        raise DocumentTooLarge(f"this DOCX file has {len(members)} parts; the limit is {limits.max_members}")
    total = sum(info.file_size for info in members)
    if total > limits.max_total:
        raise DocumentTooLarge(
            f"this DOCX file inflates to {total} bytes; the limit is {limits.max_total} (a zip bomb?)"
        )
    for info in members:
        if info.file_size > limits.ratio_floor and info.file_size > limits.max_ratio * max(
            info.compress_size, 1
        ):
            raise DocumentTooLarge(
                f"the part {info.filename} inflates {info.file_size // max(info.compress_size, 1)} times; "
                f"the limit is {limits.max_ratio} (a zip bomb?)"
            )
    return archive


def read_member(archive: zipfile.ZipFile, name: str) -> bytes | None:
    """The inflated bytes of member ``name``, or None when the archive lacks it.

    Raises:
        UnreadableDocument: The member is damaged (bad CRC, truncated, encrypted).
    """
    try:
        info = archive.getinfo(name)
    except KeyError:
        return None
    try:
        with archive.open(info) as member:
            return member.read(info.file_size + 1)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, RuntimeError, NotImplementedError):
        raise UnreadableDocument(f"this DOCX file is damaged: its part {name} cannot be read") from None
