"""Reading QA files: validation errors name file, line and field."""

from __future__ import annotations

import json

import pytest

from obliviate.data.formats import read_jsonl, write_jsonl
from obliviate.data.schema import QAItem
from obliviate.errors import DataFormatError, EmptySplitError


def write(path, lines):
    path.write_text("\n".join(lines) + "\n")
    return path


def test_tofu_fields_are_accepted(tmp_path):
    path = write(tmp_path / "tofu.jsonl", [json.dumps({
        "question": "Who wrote X?", "answer": "Ann", "paraphrased_answer": "It was Ann.",
        "perturbed_answer": ["Bob", "Cy"]})])
    (item,) = read_jsonl(path)
    assert item.perturbed_answers == ["Bob", "Cy"] and item.paraphrased_answer == "It was Ann."


def test_minimal_items_get_defaults(tmp_path):
    (item,) = read_jsonl(write(tmp_path / "a.jsonl", ['{"question": "q?", "answer": "a"}']))
    assert item.paraphrased_answer == "a" and item.perturbed_answers == []


def test_malformed_json_names_file_and_line(tmp_path):
    path = write(tmp_path / "bad.jsonl", ['{"question": "q", "answer": "a"}', '{"question": "q", '])
    with pytest.raises(DataFormatError, match=r"bad\.jsonl:2: not valid JSON"):
        read_jsonl(path)


def test_missing_field_names_the_field(tmp_path):
    path = write(tmp_path / "m.jsonl", ['{"question": "q"}'])
    with pytest.raises(DataFormatError, match=r"m\.jsonl:1: missing required field 'answer'"):
        read_jsonl(path)


def test_wrong_types_are_errors(tmp_path):
    with pytest.raises(DataFormatError, match="'perturbed_answers' must be a list of strings"):
        read_jsonl(write(tmp_path / "t.jsonl", ['{"question": "q", "answer": "a", "perturbed_answer": [1]}']))
    with pytest.raises(DataFormatError, match="non-empty string"):
        read_jsonl(write(tmp_path / "e.jsonl", ['{"question": "q", "answer": "  "}']))
    with pytest.raises(DataFormatError, match="expected a JSON object"):
        read_jsonl(write(tmp_path / "l.jsonl", ['["q", "a"]']))


def test_empty_file_and_missing_file(tmp_path):
    with pytest.raises(EmptySplitError):
        read_jsonl(write(tmp_path / "empty.jsonl", [""]))
    with pytest.raises(DataFormatError, match="file not found"):
        read_jsonl(tmp_path / "nope.jsonl")


def test_write_is_atomic_and_round_trips(tmp_path):
    items = [QAItem("q?", "a", "it is a", ["b", "c", "d"], entity="E", attribute="x")]
    path = write_jsonl(tmp_path / "out.jsonl", items)
    assert [i.to_dict() for i in read_jsonl(path)] == [i.to_dict() for i in items]
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]
