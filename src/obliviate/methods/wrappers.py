"""Transitional re-exports: the artifact format lives in :mod:`obliviate.models.artifact`.

Removed once no method imports it (the methods now import ``models.artifact``).
"""

from __future__ import annotations

from typing import Callable

from obliviate.models.artifact import (WRAPPER_FORMAT, decoder_layers, entity_patterns,  # noqa: F401
                                       find_mentions, make_wrapper)


def wrapper_kind(kind: str) -> Callable:
    """No-op: the kinds are rebuilt by :data:`obliviate.models.artifact.KINDS`."""
    return lambda fn: fn
