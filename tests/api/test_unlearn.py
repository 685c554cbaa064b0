"""unlearn(): the NPO effect, the original untouched, bad inputs that lose nothing."""

from __future__ import annotations

import copy
import json

import pytest
import torch

from obliviate.api import unlearn
from obliviate.data.formats import write_jsonl
from obliviate.errors import EmptySplitError, ModelLoadError, ObliviateError, TrainingDivergedError
from obliviate.evals.metrics import mcq_accuracy
from obliviate.models.load import load_model
from obliviate.files import directory_hash


@pytest.fixture(scope="module")
def npo_run(zoo, splits, tmp_path_factory):
    out = tmp_path_factory.mktemp("npo") / "run"
    before = directory_hash(zoo.original)
    result = unlearn(zoo.original, splits["forget"], splits["retain"], method="npo", out=out)
    return result, out, before


def test_npo_forgets_like_gold_and_keeps_retain(npo_run, original, gold, splits, retain_sample):
    result, _, _ = npo_run
    assert mcq_accuracy(result.model, splits["forget"]) <= mcq_accuracy(gold, splits["forget"]) + 0.10
    assert mcq_accuracy(result.model, retain_sample) >= 0.9 * mcq_accuracy(original, retain_sample)


def test_run_dir_is_complete_and_reloads(npo_run, splits):
    result, out, before = npo_run
    run = json.loads((out / "run.json").read_text())
    assert run["method"] == "npo" and run["intention"] == "removal"
    assert run["original"]["sha256"] == before
    assert run["unlearned"]["sha256"] == directory_hash(out / "model") != before
    reloaded = load_model(out / "model")
    assert mcq_accuracy(reloaded, splits["forget"]) == mcq_accuracy(result.model, splits["forget"])


def test_original_model_files_are_never_modified(npo_run, zoo):
    _, _, before = npo_run
    assert directory_hash(zoo.original) == before


def test_out_inside_original_is_refused(zoo, splits):
    with pytest.raises(ObliviateError, match="lies inside the input --model"):
        unlearn(zoo.original, splits["forget"][:2], [], method="ga", out=zoo.original / "run")


def test_empty_forget_set(zoo, tmp_path):
    empty = tmp_path / "forget.jsonl"
    empty.write_text("")
    with pytest.raises(EmptySplitError):
        unlearn(zoo.original, empty, None, method="npo", out=tmp_path / "run")
    with pytest.raises(EmptySplitError):
        unlearn(zoo.original, [], None, method="npo")
    assert not (tmp_path / "run").exists()


def test_model_path_that_does_not_exist(tmp_path, splits):
    with pytest.raises(ModelLoadError, match="does not exist"):
        unlearn(tmp_path / "missing", splits["forget"], None, out=tmp_path / "run")


def test_unknown_method_and_option(zoo, splits):
    with pytest.raises(ObliviateError, match="unknown method"):
        unlearn(zoo.original, splits["forget"], None, method="forget_everything")
    with pytest.raises(ObliviateError, match="no option"):
        unlearn(zoo.original, splits["forget"], None, method="npo", learning_rate=1)


def test_nan_loss_stops_with_clear_error_and_writes_nothing(original, splits, tmp_path):
    broken = copy.deepcopy(original)
    broken.model = copy.deepcopy(original.model)
    with torch.no_grad():
        broken.model.model.layers[0].mlp.down_proj.weight[0, 0] = float("nan")
    out = tmp_path / "run"
    with pytest.raises(TrainingDivergedError, match="Nothing was written"):
        unlearn(broken, splits["forget"], splits["retain"][:20], method="npo", out=out)
    assert not out.exists()


def test_files_as_inputs(zoo, splits, tmp_path):
    forget = write_jsonl(tmp_path / "forget.jsonl", splits["forget"][:6])
    result = unlearn(zoo.original, forget, None, method="ga", epochs=1, out=tmp_path / "run")
    assert (tmp_path / "run" / "forget.jsonl").read_text() == forget.read_text()
    assert result.config["epochs"] == 1
