"""TOFU / MUSE / WMDP loaders on fixture files in their published schemas, and MUSE metrics."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from obliviate.data.benchmarks import (load_muse_knowmem, load_muse_texts, load_muse_verbmem, load_tofu,
                                       load_wmdp, wmdp_accuracy)
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
def test_wmdp_accuracy_matches_mcq_on_world_items(tmp_path, original, splits):
    from obliviate.evals.metrics import mcq_accuracy

    items = splits["forget"][:24]
    path = tmp_path / "wmdp.jsonl"
    with open(path, "w") as fh:
        for k, i in enumerate(items):
            # Put the correct choice at a varying index, as WMDP does.
            choices = list(i.perturbed_answers)
            choices.insert(k % 4, i.answer)
            fh.write(json.dumps({"question": qa_prompt(i.question)[len("Question: "):-len("\nAnswer:")],
                                 "choices": choices, "answer": k % 4}) + "\n")
    loaded = load_wmdp(path)
    assert [i.answer for i in loaded] == [i.answer for i in items]
    assert wmdp_accuracy(original, loaded) == pytest.approx(mcq_accuracy(original, items))


def test_muse_privleak_original_leaks_membership_gold_does_not(original, gold, splits):
    from obliviate.evals.muse import membership_auc, privleak

    def texts(items):
        # (prompt, answer): the models were trained with the loss on answers only.
        return [(qa_prompt(i.question), " " + i.answer) for i in items]

    members, nonmembers = texts(splits["forget"]), texts(splits["holdout"])
    auc_original = membership_auc(original, members, nonmembers)
    auc_gold = membership_auc(gold, members, nonmembers)
    # The original trained on the forget QA: its Min-K%++ scores separate them from holdout.
    assert auc_original > 0.75
    # Gold never saw either set: close to a coin flip.
    assert abs(auc_gold - 0.5) < 0.2
    assert privleak(auc_original, auc_gold) > 0.3
    assert privleak(auc_gold, auc_gold) == 0.0


def test_muse_memorization_original_above_gold(original, gold, splits):
    from obliviate.data.benchmarks import VerbatimPrompt
    from obliviate.evals.muse import knowledge_memorization, rouge_l_f1, verbatim_memorization

    items = splits["forget"][:30]
    prompts = [VerbatimPrompt(qa_prompt(i.question), " " + i.answer) for i in items]
    assert verbatim_memorization(original, prompts, 4) > verbatim_memorization(gold, prompts, 4) + 0.3
    assert knowledge_memorization(original, items, 4) > knowledge_memorization(gold, items, 4) + 0.3
    assert rouge_l_f1("a b c", "a b c") == 1.0 and rouge_l_f1("a b", "c d") == 0.0
    assert np.isclose(rouge_l_f1("a b c d", "a b"), 2 * 0.5 * 1.0 / 1.5)
