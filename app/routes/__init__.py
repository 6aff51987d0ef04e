"""HTTP layer: one blueprint per endpoint group, and the operations they document."""

from __future__ import annotations

from flask import Blueprint

from app.openapi import Operation
from app.routes import chunking, meta

BLUEPRINTS: tuple[Blueprint, ...] = (chunking.bp, meta.bp)
OPERATIONS: list[Operation] = [*chunking.OPERATIONS, *meta.OPERATIONS]
