"""rome: the edit changes one matrix, the MLP down-projection of the configured layer."""

from __future__ import annotations


def test_only_one_matrix_changes(unlearned, original):
    result = unlearned("rome")
    changed = [n for (n, a), b in zip(result.model.model.state_dict().items(), original.model.state_dict().values())
               if not (a == b).all()]
    assert changed == ["model.layers.1.mlp.down_proj.weight"], changed
