"""HTTP layer: one blueprint per endpoint group, and the operations they document."""

from __future__ import annotations

from flask import Blueprint

from app.web.openapi import Operation
from app.web.routes import answer, chunking, extract, meta, metrics, semantic

BLUEPRINTS: tuple[Blueprint, ...] = (chunking.bp, semantic.bp, answer.bp, extract.bp, meta.bp, metrics.bp)
OPERATIONS: list[Operation] = [
    *chunking.OPERATIONS,
    *semantic.OPERATIONS,
    *answer.OPERATIONS,
    *extract.OPERATIONS,
    *meta.OPERATIONS,
    *metrics.OPERATIONS,
]
