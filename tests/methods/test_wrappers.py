"""Wrapper artifacts: malformed files give clear errors; entity gating is exact."""

from __future__ import annotations

import json

import pytest
import torch

from obliviate.errors import ModelLoadError
from obliviate.models.artifact import find_mentions
from obliviate.models.load import WRAPPER_FILE, load_model


@pytest.mark.parametrize("content, message", [
    ("{not json", "not valid JSON"),
    (json.dumps({"kind": "steering"}), "no field 'state'"),
    (json.dumps({"kind": "telepathy", "state": {}}), "unknown wrapper kind 'telepathy'"),
    (json.dumps({"format": 99, "kind": "steering", "state": {}}), "Upgrade obliviate"),
    (json.dumps({"kind": "steering", "state": {}, "base_model": "."}), "no config.json"),
])
def test_malformed_wrapper_files(tmp_path, content, message):
    (tmp_path / WRAPPER_FILE).write_text(content)
    with pytest.raises(ModelLoadError, match=message):
        load_model(tmp_path)


def test_find_mentions_gates_from_the_first_mention_on():
    ids = torch.tensor([[1, 5, 6, 7, 8], [1, 9, 9, 5, 9], [1, 2, 3, 4, 5]])
    gate = find_mentions(ids, [[6, 7], [9, 5]])
    assert gate.tolist() == [[False, False, True, True, True],
                             [False, False, True, True, True],
                             [False] * 5]
