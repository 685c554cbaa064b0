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


# ---- each kind of bad input gets its own clear message (issue 16) -------------------
def test_non_utf8_bytes_name_file_and_line(tmp_path):
    path = tmp_path / "latin1.jsonl"
    path.write_bytes(b'{"question": "q?", "answer": "a"}\n{"question": "Caf\xe9?", "answer": "a"}\n')
    with pytest.raises(DataFormatError, match=r"latin1\.jsonl:2: not UTF-8 text \(byte 0xe9"):
        read_jsonl(path)


def test_utf8_byte_order_mark_is_accepted(tmp_path):
    path = tmp_path / "bom.jsonl"
    path.write_bytes(b'\xef\xbb\xbf{"question": "q?", "answer": "a"}\n')
    assert read_jsonl(path)[0].question == "q?"


@pytest.mark.parametrize("value", ["NaN", "Infinity", "-Infinity"])
def test_nan_and_infinity_are_refused(tmp_path, value):
    path = write(tmp_path / "nan.jsonl", ['{"question": "q?", "answer": "a", "score": %s}' % value])
    with pytest.raises(DataFormatError, match=rf"nan\.jsonl:1: {value} is not valid JSON"):
        read_jsonl(path)


def test_answer_that_reads_as_a_missing_value_is_refused(tmp_path):
    with pytest.raises(DataFormatError, match="missing value"):
        read_jsonl(write(tmp_path / "m.jsonl", ['{"question": "q?", "answer": "nan"}']))


def test_json_message_has_no_doubled_at(tmp_path):
    path = tmp_path / "ctl.jsonl"
    path.write_text('{"question": "q\tx", "answer": "a"}\n')
    with pytest.raises(DataFormatError) as err:
        read_jsonl(path)
    assert "at at" not in str(err.value) and "Invalid control character at column" in str(err.value)


def test_directory_link_loop_and_broken_link_have_their_own_messages(tmp_path):
    with pytest.raises(DataFormatError, match="is a directory"):
        read_jsonl(tmp_path)
    loop = tmp_path / "loop.jsonl"
    loop.symlink_to(loop)
    with pytest.raises(DataFormatError, match="symbolic link loop"):
        read_jsonl(loop)
    broken = tmp_path / "broken.jsonl"
    broken.symlink_to(tmp_path / "gone.jsonl")
    with pytest.raises(DataFormatError, match="broken symbolic link"):
        read_jsonl(broken)
    with pytest.raises(DataFormatError, match="file not found"):
        read_jsonl(tmp_path / "nope.jsonl")


def test_huge_field_is_refused_with_the_limit(tmp_path):
    from obliviate.data.formats import MAX_FIELD_CHARS

    path = write(tmp_path / "big.jsonl", [json.dumps({"question": "q?", "answer": "x" * (4 << 20)})])
    with pytest.raises(DataFormatError, match=rf"big\.jsonl:1: field 'answer' is 4,194,304 characters; "
                                              rf"the limit is {MAX_FIELD_CHARS:,}"):
        read_jsonl(path)
    perturbed = write(tmp_path / "p.jsonl", [json.dumps({"question": "q?", "answer": "a",
                                                         "perturbed_answer": ["b", "y" * (MAX_FIELD_CHARS + 1)]})])
    with pytest.raises(DataFormatError, match="field 'perturbed_answers'"):
        read_jsonl(perturbed)


def test_unknown_fields_warn_once_per_file(tmp_path):
    from obliviate.data.formats import DataWarning

    path = write(tmp_path / "u.jsonl", ['{"question": "q1?", "answer": "a", "answr": "typo"}',
                                        '{"question": "q2?", "answer": "b", "answr": "x", "id": 7}'])
    with pytest.warns(DataWarning) as record:
        items = read_jsonl(path)
    assert len(items) == 2 and len(record) == 1
    message = str(record[0].message)
    assert "'answr' (first on line 1)" in message and "'id' (first on line 2)" in message


def test_forget_set_overlapping_the_retain_set_is_refused(tmp_path):
    from obliviate.data.formats import check_disjoint, load_forget_retain

    a, b, c = (QAItem(f"Who is {n}?", n, n, []) for n in "ABC")
    same = write_jsonl(tmp_path / "same.jsonl", [a, b])
    with pytest.raises(DataFormatError, match="hold the same items"):
        load_forget_retain(same, same)
    with pytest.raises(DataFormatError, match=r"1 of 2 items of the forget set are also in the retain set "
                                              r"\(first: 'Who is B\?'\)"):
        check_disjoint([a, b], [QAItem("who is  b?", "b", "b", []), c])  # case and spacing do not matter
    check_disjoint([a], [c])
    assert load_forget_retain([a], None) == ([a], [])


def test_benchmark_files_get_the_same_messages(tmp_path):
    """TOFU/MUSE/WMDP files (obliviate.data.benchmarks) go through the same checks."""
    from obliviate.data.benchmarks import load_tofu

    latin1 = tmp_path / "tofu.jsonl"
    latin1.write_bytes(b'{"question": "q?", "answer": "a"}\n{"question": "Caf\xe9?", "answer": "a"}\n')
    with pytest.raises(DataFormatError, match=r"tofu\.jsonl:2: not UTF-8 text \(byte 0xe9 at byte 18"):
        load_tofu(latin1)
    with pytest.raises(DataFormatError, match="is a directory"):
        load_tofu(tmp_path)
    nan = write(tmp_path / "nan.jsonl", ['{"question": "q?", "answer": "a", "x": NaN}'])
    with pytest.raises(DataFormatError, match="NaN is not valid JSON"):
        load_tofu(nan)
    ctl = tmp_path / "ctl.jsonl"
    ctl.write_text('{"question": "q\tx", "answer": "a"}\n')
    with pytest.raises(DataFormatError) as err:
        load_tofu(ctl)
    assert "at at" not in str(err.value)
