"""Reading and writing QA files (obliviate / TOFU JSONL) with validation.

Every error names the file, the line and the field, and says what was expected.
Writers are atomic: a file is written to a temporary name and renamed.

What a reader refuses (:class:`DataFormatError`): bytes that are not UTF-8, invalid
JSON, ``NaN`` / ``Infinity`` (not JSON, a missing value in disguise), a missing or
empty ``question`` / ``answer``, a field of the wrong type, and a text field longer
than :data:`MAX_FIELD_CHARS` characters. Unknown fields are ignored with one
:class:`DataWarning` per file naming them. A directory, a broken symbolic link or a
symbolic-link loop given as a data file each get their own message.
"""

from __future__ import annotations

import errno
import json
import os
import tempfile
import warnings
from pathlib import Path
from typing import Iterable

from obliviate.data.schema import QAItem
from obliviate.errors import DataFormatError, EmptySplitError

# TOFU field names (Maini et al. 2024) -> QAItem fields.
ALIASES = {"perturbed_answer": "perturbed_answers", "paraphrased_question": "paraphrased_questions"}
LIST_FIELDS = ("perturbed_answers", "paraphrased_questions")
STRING_FIELDS = ("question", "answer", "paraphrased_answer", "entity", "attribute", "split",
                 "context", "other_entity")
# The longest text field accepted, in characters. Training sees at most a few hundred
# tokens per item, so a longer answer only costs time and memory (a 4 MB answer once
# trained for a minute at 1.2 GB). Override with OBLIVIATE_MAX_FIELD_CHARS.
MAX_FIELD_CHARS = 10_000


class DataWarning(UserWarning):
    """A data file was read, but something in it was ignored (e.g. unknown fields)."""


def max_field_chars() -> int:
    value = os.environ.get("OBLIVIATE_MAX_FIELD_CHARS")
    try:
        return int(value) if value else MAX_FIELD_CHARS
    except ValueError:
        raise DataFormatError(f"OBLIVIATE_MAX_FIELD_CHARS={value!r} must be a whole number of characters") \
            from None


def known_fields() -> set[str]:
    """Field names a record may carry (QAItem fields and their TOFU aliases)."""
    return set(QAItem.__dataclass_fields__) | set(ALIASES)


def item_from_record(record: dict, where: str) -> QAItem:
    """Validate one JSON object and build a :class:`QAItem` (``where`` = "file:line")."""
    if not isinstance(record, dict):
        raise DataFormatError(f"{where}: expected a JSON object, found {type(record).__name__}")
    data = {}
    for key, value in record.items():
        key = ALIASES.get(key, key)
        data[key] = value
    for name in ("question", "answer"):
        if name not in data:
            raise DataFormatError(f"{where}: missing required field '{name}'")
        if not isinstance(data[name], str) or not data[name].strip():
            raise DataFormatError(f"{where}: field '{name}' must be a non-empty string")
        if data[name].strip().lower() == "nan":
            raise DataFormatError(f"{where}: field '{name}' is {data[name]!r}, which reads as a missing value "
                                  "(pandas writes missing values as NaN); fill it in or drop the line")
    for name in STRING_FIELDS:
        if name in data and not isinstance(data[name], str):
            raise DataFormatError(f"{where}: field '{name}' must be a string, "
                                  f"found {type(data[name]).__name__}")
    for name in LIST_FIELDS:
        if name in data:
            value = data[name]
            if isinstance(value, str):
                value = [value]
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                raise DataFormatError(f"{where}: field '{name}' must be a list of strings")
            data[name] = value
    limit = max_field_chars()
    for name in (*STRING_FIELDS, *LIST_FIELDS):
        values = data.get(name)
        for value in values if isinstance(values, list) else [values]:
            if isinstance(value, str) and len(value) > limit:
                raise DataFormatError(f"{where}: field '{name}' is {len(value):,} characters; the limit is "
                                      f"{limit:,} (an item is one question and a short answer; set "
                                      "OBLIVIATE_MAX_FIELD_CHARS to raise it)")
    data.setdefault("paraphrased_answer", data["answer"])
    data.setdefault("perturbed_answers", [])
    known = set(QAItem.__dataclass_fields__)
    return QAItem(**{k: v for k, v in data.items() if k in known})


def _reject_constant(name: str):
    raise ValueError(f"{name} is not valid JSON (a missing or non-finite value?); write a string or drop it")


def parse_json_line(text: str, where: str):
    """``json.loads`` with NaN/Infinity refused and the error naming ``where`` and the column."""
    try:
        return json.loads(text, parse_constant=_reject_constant)
    except json.JSONDecodeError as err:
        # Some of json's messages end in "at" ("Invalid control character at").
        msg = err.msg[:-3] if err.msg.endswith(" at") else err.msg
        raise DataFormatError(f"{where}: not valid JSON ({msg} at column {err.colno})") from err
    except ValueError as err:
        raise DataFormatError(f"{where}: {err}") from err


def check_data_file(path: str | os.PathLike, label: str = "data file") -> Path:
    """The path names a readable regular file; otherwise a message that says what it is instead."""
    path = Path(path)
    try:
        os.stat(path)
    except OSError as err:
        if err.errno == errno.ELOOP:
            raise DataFormatError(f"{path}: is a symbolic link loop, not a {label}") from None
        if path.is_symlink():
            raise DataFormatError(f"{path}: is a broken symbolic link (to {os.readlink(path)}), "
                                  f"not a {label}") from None
        if err.errno == errno.EACCES:
            raise DataFormatError(f"{path}: permission denied") from None
        if err.errno == errno.ENOTDIR:
            raise DataFormatError(f"{path}: file not found (a parent of it is a file, not a directory)") from None
        raise DataFormatError(f"{path}: file not found") from None
    if path.is_dir():
        raise DataFormatError(f"{path}: is a directory; give the JSONL file inside it (one JSON object per line)")
    if not path.is_file():
        raise DataFormatError(f"{path}: is not a regular file (a device, socket or pipe); give a JSONL file")
    if not os.access(path, os.R_OK):
        raise DataFormatError(f"{path}: permission denied")
    return path


def decode_utf8(path: Path) -> str:
    """The whole file as text; bytes that are not UTF-8 are an error naming the line."""
    data = path.read_bytes()
    try:
        return data.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError as err:
        line = data.count(b"\n", 0, err.start) + 1
        column = err.start - (data.rfind(b"\n", 0, err.start) + 1) + 1
        raise DataFormatError(f"{path}:{line}: not UTF-8 text (byte 0x{data[err.start]:02x} at byte {column} "
                              "of the line); save the file as UTF-8") from None


def read_jsonl(path: str | os.PathLike, *, allow_empty: bool = False) -> list[QAItem]:
    """Read a JSONL file of QA items (obliviate or TOFU field names)."""
    path = check_data_file(path)
    items = []
    unknown: dict[str, int] = {}
    known = known_fields()
    with open(path, "rb") as fh:
        for lineno, raw in enumerate(fh, 1):
            where = f"{path}:{lineno}"
            try:
                line = raw.decode("utf-8")
            except UnicodeDecodeError as err:
                raise DataFormatError(f"{where}: not UTF-8 text (byte 0x{raw[err.start]:02x} at byte "
                                      f"{err.start + 1} of the line); save the file as UTF-8") from None
            if lineno == 1:
                line = line.removeprefix("\ufeff")  # a UTF-8 byte-order mark
            if not line.strip():
                continue
            record = parse_json_line(line, where)
            items.append(item_from_record(record, where))
            for key in record:
                if key not in known:
                    unknown.setdefault(key, lineno)
    if unknown:
        names = ", ".join(f"'{k}' (first on line {n})" for k, n in sorted(unknown.items(), key=lambda kv: kv[1]))
        warnings.warn(DataWarning(f"{path}: ignoring unknown field(s) {names}; known fields: "
                                  f"{', '.join(sorted(known))}"), stacklevel=2)
    if not items and not allow_empty:
        raise EmptySplitError(f"{path}: holds no items; a forget or retain file needs at least one")
    return items


def item_record(item: QAItem) -> dict:
    """The TOFU-compatible record of an item (TOFU's names where TOFU has one)."""
    record = item.to_dict()
    record["perturbed_answer"] = record.pop("perturbed_answers")
    return record


def write_jsonl(path: str | os.PathLike, items: Iterable[QAItem]) -> Path:
    """Write items as TOFU-compatible JSONL, atomically."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            for item in items:
                fh.write(json.dumps(item_record(item), ensure_ascii=False) + "\n")
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def load_items(source: str | os.PathLike | list[QAItem], *, allow_empty: bool = False) -> list[QAItem]:
    """Items from a list (returned as is) or a JSONL path."""
    if isinstance(source, list):
        if not source and not allow_empty:
            raise EmptySplitError("the item list is empty")
        return source
    return read_jsonl(source, allow_empty=allow_empty)


def _key(item: QAItem) -> tuple[str, str]:
    return " ".join(item.question.lower().split()), " ".join(item.answer.lower().split())


def check_disjoint(forget: list[QAItem], retain: list[QAItem], forget_name: str = "the forget set",
                   retain_name: str = "the retain set") -> None:
    """Refuse a forget set that shares items with the retain set.

    An item is the same when its question and answer match after case folding and
    whitespace normalization. Training to forget and to keep one item at once is a
    contradiction, so any overlap is an error (not a warning); the message says how
    many items overlap and quotes the first.
    """
    if not forget or not retain:
        return
    kept = {_key(i) for i in retain}
    shared = [i for i in forget if _key(i) in kept]
    if not shared:
        return
    if len(shared) == len(forget) and len({_key(i) for i in forget}) == len(kept):
        raise DataFormatError(f"{forget_name} and {retain_name} hold the same items; the retain set must be "
                              "other data the model should keep")
    raise DataFormatError(f"{len(shared)} of {len(forget)} items of {forget_name} are also in {retain_name} "
                          f"(first: {shared[0].question!r}); an item cannot be forgotten and kept at once, so "
                          "remove it from one of the files")


def load_forget_retain(forget: str | os.PathLike | list[QAItem],
                       retain: str | os.PathLike | list[QAItem] | None) -> tuple[list[QAItem], list[QAItem]]:
    """The forget items (at least one) and retain items (may be empty), checked to be disjoint."""
    forget_items = load_items(forget)
    if not forget_items:
        raise EmptySplitError("the forget set is empty: there is nothing to unlearn")
    retain_items = load_items(retain, allow_empty=True) if retain is not None else []
    check_disjoint(forget_items, retain_items,
                   "the forget set" if isinstance(forget, list) else f"--forget {forget}",
                   "the retain set" if isinstance(retain, list) else f"--retain {retain}")
    return forget_items, retain_items
