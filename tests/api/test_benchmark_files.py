"""`obliviate unlearn` and `obliviate audit` on benchmark files as published (issue 19).

The shared TOFU forget01 file (2 fictitious authors x 20 questions, no ``entity`` field)
is the forget set and 20 questions of TOFU's retain sample the retain set, read where
they are (../shared/data/tofu). The tiny model knows nothing of TOFU's authors, so the
effect asserted is the one training must have on any model: the forget answers'
log-probability falls, while the run records where its items came from and how the
authors were grouped, and the audit runs on those items.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from obliviate.data.benchmarks import load_forget_retain_files, load_unlearning_file
from obliviate.errors import DataFormatError

TOFU = Path(__file__).resolve().parents[2] / ".." / "shared" / "data" / "tofu" / "qa"
FORGET01 = TOFU / "forget01.jsonl"

pytestmark = pytest.mark.skipif(not FORGET01.is_file(), reason="the shared TOFU files are not here")


def _first_lines(src: Path, dst: Path, n: int) -> Path:
    dst.write_text("".join(src.read_text(encoding="utf-8").splitlines(keepends=True)[:n]), encoding="utf-8")
    return dst


def test_tofu_wmdp_and_muse_files_load_with_tofu_authors(tmp_path):
    items, source = load_unlearning_file(FORGET01)
    assert len(items) == 40 and source["items"] == 40 and source["people"] == 2
    assert [i.entity for i in items] == ["forget01 author 1"] * 20 + ["forget01 author 2"] * 20
    assert source["entity"].startswith("derived") and source["with_perturbed_answers"] == 0
    # The same records as a JSON array (MUSE knowmem's layout) read the same.
    records = [json.loads(line) for line in FORGET01.read_text().splitlines()]
    array = tmp_path / "forget01.json"
    array.write_text(json.dumps(records[:3]))
    as_array, _ = load_unlearning_file(array)
    assert [(i.question, i.answer) for i in as_array] == [(i.question, i.answer) for i in items[:3]]
    # WMDP: the correct choice is the answer, the others are the perturbed answers.
    wmdp = tmp_path / "wmdp-bio.jsonl"
    wmdp.write_text(json.dumps({"question": "Q?", "choices": ["a", "b", "c", "d"], "answer": 2}) + "\n")
    (item,), source = load_unlearning_file(wmdp)
    assert item.answer == "c" and item.perturbed_answers == ["a", "b", "d"]
    assert source["format"] == "WMDP multiple choice"
    # A file's own entities are kept.
    own = tmp_path / "own.jsonl"
    own.write_text(json.dumps({"question": "q", "answer": "a", "entity": "Ann"}) + "\n")
    assert load_unlearning_file(own)[0][0].entity == "Ann"
    # A forget item also in the retain set is refused, as for obliviate's own files.
    with pytest.raises(DataFormatError, match="also in"):
        load_forget_retain_files(FORGET01, _first_lines(FORGET01, tmp_path / "overlap.jsonl", 2))
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps([{"prompt": "p", "gt": "g"}]))  # MUSE verbmem is text, not QA
    with pytest.raises(DataFormatError, match="expected a QA object"):
        load_unlearning_file(bad)


def test_unlearn_and_audit_a_tofu_file(zoo, tmp_path):
    from obliviate.api import unlearn
    from obliviate.audit import AuditConfig, audit_run_dir
    from obliviate.evals.scoring import completion_logprobs
    from obliviate.models.load import load_model
    from obliviate.training import qa_pairs

    retain = _first_lines(TOFU / "retain_sample300.jsonl", tmp_path / "retain20.jsonl", 20)
    out = tmp_path / "run"
    # The forget term alone (retain_weight 0): the retain term on TOFU-style text would lift the
    # forget answers too, on a model that saw neither.
    result = unlearn(zoo.original, FORGET01, retain, method="npo", out=out, epochs=1, batch_size=8,
                     retain_weight=0.0)
    run = json.loads((out / "run.json").read_text())
    assert run["forget_items"] == 40 and run["retain_items"] == 20
    forget_src = run["data"]["forget"]
    assert forget_src["path"] == str(FORGET01.resolve()) and forget_src["people"] == 2
    assert forget_src["sha256"] == __import__("hashlib").sha256(FORGET01.read_bytes()).hexdigest()
    assert run["data"]["retain"]["items"] == 20
    # The run's copy of the forget set holds the derived authors, so the audit's people follow.
    copied = [json.loads(line) for line in (out / "forget.jsonl").read_text().splitlines()]
    assert [r["entity"] for r in copied] == ["forget01 author 1"] * 20 + ["forget01 author 2"] * 20
    original = load_model(zoo.original)
    items, _ = load_unlearning_file(FORGET01)
    before = np.mean(completion_logprobs(original, qa_pairs(items))[0])
    after = np.mean(completion_logprobs(result.model, qa_pairs(items))[0])
    assert after < before - 1.0, (before, after)

    # forget01 as shared carries no perturbed answers: every question has one option, so every
    # multiple-choice attack would score 1.0 for every model. The audit refuses up front, naming
    # the fix (TOFU publishes forget01_perturbed.json), before any model loads or file is written.
    from obliviate.errors import ObliviateError

    with pytest.raises(ObliviateError, match=r"40 of 40 forget items have no wrong options"):
        audit_run_dir(out, config=AuditConfig(attacks=("none",)))
    assert not (out / "report.json").exists()
