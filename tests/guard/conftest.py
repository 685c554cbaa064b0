"""Fixtures shared by the guard tests."""

from __future__ import annotations

import pytest

from obliviate.guard import Guard, GuardConfig


@pytest.fixture(scope="module")
def guards(splits):
    """The lexical guard of the embedded world, failing closed ("block") and not ("allow")."""
    return {policy: Guard.from_items(splits["forget"], splits["retain"], GuardConfig(semantic=False, opaque=policy))
            for policy in ("block", "allow")}
