"""What can be wrong with an uploaded document, in words a person understands.

The web layer maps each class to a status: an unsupported format to 415, an
unreadable document to 422, a document over a limit to 413.
"""

from __future__ import annotations


class DocumentError(ValueError):
    """A document that cannot be turned into text.

    Attributes:
        message: A sentence for the person who sent the file.
    """

    def __init__(self, message: str) -> None:
        """Record the message."""
        super().__init__(message)
        self.message = message


class UnsupportedFormat(DocumentError):
    """The bytes are none of the formats read here."""


class UnreadableDocument(DocumentError):
    """The format is known but this file cannot be read: damaged, encrypted, without text."""


class DocumentTooLarge(DocumentError):
    """The document is over a page, size or text limit."""


class InvalidText(DocumentError):
    """A text upload (plain, Markdown, HTML) that is not valid UTF-8."""
