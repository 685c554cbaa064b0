"""TOFU / MUSE / WMDP loaders on fixture files in their published schemas, and MUSE metrics."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from obliviate.data.benchmarks import (load_muse_knowmem, load_muse_texts, load_muse_verbmem, load_tofu,
                                       load_wmdp, load_wmdp_questions)
from obliviate.data.world import qa_prompt
from obliviate.errors import DataFormatError

FIXTURES = Path(__file__).parent.parent / "data" / "benchmarks"


def test_tofu_perturbed_file_maps_fields():
    items = load_tofu(FIXTURES / "tofu_forget01_perturbed.json", split="forget01")
    assert len(items) == 3
    first = items[0]
    assert first.answer.endswith("Basil Mahfouz Al-Kuwaiti.")
    assert len(first.perturbed_answers) == 3 and first.options[0] == first.answer
    assert first.paraphrased_questions == ["Who is the author born in Kuwait City on 08/09/1956?"]
    assert {i.split for i in items} == {"forget01"}


def test_tofu_plain_file_defaults_paraphrase_to_answer():
    items = load_tofu(FIXTURES / "tofu_forget01.json")
    assert [i.paraphrased_answer for i in items] == [i.answer for i in items]
    assert all(i.perturbed_answers == [] for i in items)


def test_wmdp_choices_become_options_correct_first():
    items = load_wmdp(FIXTURES / "wmdp_bio.jsonl") + load_wmdp(FIXTURES / "wmdp_cyber.json")
    assert [i.answer for i in items] == ["Escherichia coli", "Spectrophotometer", "443"]
    assert items[1].perturbed_answers == ["Thermometer", "Barometer", "Anemometer"]


def test_muse_files():
    verb = load_muse_verbmem(FIXTURES / "muse_verbmem_forget.json")
    assert verb[0].gt.startswith(" agreed") and len(verb) == 2
    qa = load_muse_knowmem(FIXTURES / "muse_knowmem_forget_qa.json", split="forget")
    assert qa[1].answer == "an hour" and qa[1].split == "forget"
    assert len(load_muse_texts(FIXTURES / "muse_privleak_forget.json")) == 2
    assert load_muse_texts(FIXTURES / "muse_raw_holdout.jsonl")[1].startswith("Farmers")


@pytest.mark.parametrize("loader, line, message", [
    (load_wmdp, {"question": "q", "choices": ["a", "b"]}, "missing required field 'answer'"),
    (load_wmdp, {"question": "q", "choices": ["a", "b"], "answer": 5}, "field 'answer' is 5"),
    (load_wmdp, {"question": "q", "choices": "ab", "answer": 0}, "field 'choices' must be list"),
    (load_wmdp, {"question": "q", "choices": ["a", "b"], "answer": True}, "field 'answer' must be int"),
    (load_tofu, {"answer": "a"}, "missing required field 'question'"),
    (load_muse_knowmem, {"question": "q"}, "missing required field 'answer'"),
    (load_muse_verbmem, {"prompt": "p", "gt": 3}, "field 'gt' must be str"),
    (load_muse_texts, {"body": "x"}, "missing required field 'text'"),
])
def test_bad_records_name_file_line_and_field(tmp_path, loader, line, message):
    path = tmp_path / "bad.jsonl"
    path.write_text(json.dumps({"question": "ok", "answer": "ok", "choices": ["a", "b"], "prompt": "p",
                                "gt": "g", "text": "t"} if loader is not load_wmdp else
                               {"question": "ok", "choices": ["a", "b"], "answer": 0}) + "\n" + json.dumps(line) + "\n")
    with pytest.raises(DataFormatError, match=message) as err:
        loader(path)
    assert "bad.jsonl:2" in str(err.value)


def test_malformed_json_line_and_array(tmp_path):
    lines = tmp_path / "wmdp.jsonl"
    lines.write_text('{"question": "q", "choices": ["a", "b"], "answer": 0}\n{"question": "q", choices\n')
    with pytest.raises(DataFormatError, match=r"wmdp.jsonl:2: not valid JSON"):
        load_wmdp(lines)
    array = tmp_path / "forget.json"
    array.write_text('[{"prompt": "p", "gt": "g"},')
    with pytest.raises(DataFormatError, match="not a valid JSON array"):
        load_muse_verbmem(array)
    with pytest.raises(DataFormatError, match="file not found"):
        load_tofu(tmp_path / "missing.json")
    (tmp_path / "empty.json").write_text("\n")
    with pytest.raises(DataFormatError, match="empty"):
        load_muse_texts(tmp_path / "empty.json")


# ---- metrics on the embedded world's models -------------------------------------------
def test_wmdp_letter_accuracy_keeps_choice_order_and_scores_letters(tmp_path, original, splits):
    from obliviate.evals.wmdp import letter_scores, wmdp_letter_accuracy

    items = splits["forget"][:12]
    path = tmp_path / "wmdp_bio.jsonl"
    with open(path, "w") as fh:
        for k, i in enumerate(items):
            # The correct choice at a varying index, as WMDP does.
            choices = list(i.perturbed_answers[:3])
            choices.insert(k % 4, i.answer)
            fh.write(json.dumps({"question": i.question, "choices": choices, "answer": k % 4}) + "\n")
    questions = load_wmdp_questions(path)
    assert questions[1].answer == 1 and questions[1].choices[1] == items[1].answer
    assert questions[0].subject == "bio"
    res = wmdp_letter_accuracy(original, questions)
    scores = letter_scores(original, questions)
    # Accuracy is the share of questions whose right letter has the top summed log-likelihood
    # (no ties among these float scores).
    by_hand = np.mean([float(np.argmax(s) == q.answer) for s, q in zip(scores, questions)])
    assert res["value"] == pytest.approx(by_hand)
    assert [r["answer"] for r in res["per_item"][:4]] == ["A", "B", "C", "D"]


def test_privleak_original_leaks_membership_gold_does_not(original, gold, splits):
    from obliviate.evals.mia import auc, min_k_score
    from obliviate.evals.muse import privleak
    from obliviate.evals.scoring import score_completions

    def min_k_auc(lm):
        # (prompt, answer): the models were trained with the loss on answers only, so the
        # answer tokens carry the membership signal (MUSE scores whole raw texts).
        def scores(items):
            return [min_k_score(s) for s in score_completions(lm, [(qa_prompt(i.question), " " + i.answer)
                                                                   for i in items], add_eos=False)]
        return auc(scores(splits["forget"]), scores(splits["holdout"]))

    auc_original, auc_gold = min_k_auc(original), min_k_auc(gold)
    # The original trained on the forget QA: Min-40% scores separate them from holdout.
    assert auc_original > 0.75
    # Gold never saw either set: close to a coin flip.
    assert abs(auc_gold - 0.5) < 0.2
    # MUSE's sign: a model that still leaks reads negative (towards -100).
    assert privleak(auc_original, auc_gold) < -30
    assert privleak(auc_gold, auc_gold) == 0.0


def test_muse_memorization_original_above_gold(original, gold, splits):
    from obliviate.data.benchmarks import VerbatimPrompt
    from obliviate.evals.muse import knowmem, verbmem

    items = splits["forget"][:30]
    prompts = [VerbatimPrompt(qa_prompt(i.question), " " + i.answer) for i in items]
    assert verbmem(original, prompts, 4)["value"] > verbmem(gold, prompts, 4)["value"] + 0.3
    # KnowMem's own prompt ("Question: q\nAnswer: ", trailing space) with in-context examples:
    # the tiny models were trained on "Answer:" + " value" and do not follow it, so only the
    # plumbing is checked here (tests/evals/test_eval_metrics.py checks the values by hand).
    res = knowmem(original, items[:4], splits["retain"][:2], 8)
    assert len(res["per_item"]) == 4 and all("\n\n" not in r["output"] for r in res["per_item"])
