"""Reading and writing QA files (obliviate / TOFU JSONL) with validation.

Every error names the file, the line and the field, and says what was expected.
Writers are atomic: a file is written to a temporary name and renamed.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Iterable

from obliviate.data.schema import QAItem
from obliviate.errors import DataFormatError, EmptySplitError

# TOFU field names (Maini et al. 2024) -> QAItem fields.
ALIASES = {"perturbed_answer": "perturbed_answers", "paraphrased_question": "paraphrased_questions"}
LIST_FIELDS = ("perturbed_answers", "paraphrased_questions")
STRING_FIELDS = ("question", "answer", "paraphrased_answer", "entity", "attribute", "split",
                 "context", "other_entity")


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
    data.setdefault("paraphrased_answer", data["answer"])
    data.setdefault("perturbed_answers", [])
    known = set(QAItem.__dataclass_fields__)
    return QAItem(**{k: v for k, v in data.items() if k in known})


def read_jsonl(path: str | os.PathLike, *, allow_empty: bool = False) -> list[QAItem]:
    """Read a JSONL file of QA items (obliviate or TOFU field names)."""
    path = Path(path)
    if not path.is_file():
        raise DataFormatError(f"{path}: file not found")
    items = []
    with open(path, encoding="utf-8") as fh:
        for lineno, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError as err:
                raise DataFormatError(f"{path}:{lineno}: not valid JSON ({err.msg} at column {err.colno})") from err
            items.append(item_from_record(record, f"{path}:{lineno}"))
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
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        for item in items:
            fh.write(json.dumps(item_record(item), ensure_ascii=False) + "\n")
    os.replace(tmp, path)
    return path


def load_items(source: str | os.PathLike | list[QAItem], *, allow_empty: bool = False) -> list[QAItem]:
    """Items from a list (returned as is) or a JSONL path."""
    if isinstance(source, list):
        if not source and not allow_empty:
            raise EmptySplitError("the item list is empty")
        return source
    return read_jsonl(source, allow_empty=allow_empty)
