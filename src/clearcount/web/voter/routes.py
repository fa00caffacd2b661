"""The voter's routes (filled in by the booth work; empty in the first landing)."""

from __future__ import annotations

from starlette.routing import BaseRoute

__all__ = ["routes"]

routes: list[BaseRoute] = []
