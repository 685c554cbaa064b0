"""Loaders for external unlearning benchmarks in their published file schemas.

- **TOFU** (Maini et al. 2024, ``locuslab/TOFU``): JSON Lines (or a JSON array), one
  object per question: ``question``, ``answer``; the ``*_perturbed`` files add
  ``paraphrased_answer``, ``perturbed_answer`` (list) and ``paraphrased_question``.
- **MUSE** (Shi et al. 2024, ``muse-bench/MUSE-News`` / ``-Books``, repository layout
  ``data/<corpus>/<subset>/<split>.json``): ``verbmem/forget.json`` is a JSON array of
  ``{"prompt", "gt"}``; ``knowmem/*_qa.json`` an array of ``{"question", "answer"}``;
  ``privleak/*.json`` and ``raw/*.json`` arrays of strings (``raw/*.txt``: plain text).
  The Hugging Face export of each split (JSON Lines of the same objects, strings as
  ``{"text": ...}``) is accepted too.
- **WMDP** (Li et al. 2024, ``cais/wmdp``): JSON Lines, a JSON array or the Hugging Face
  Parquet export (needs pyarrow) of ``{"question", "choices": [4 strings], "answer": int}``.

Every error names the file, the record and the field.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from obliviate.data.formats import item_from_record
from obliviate.data.schema import QAItem
from obliviate.errors import DataFormatError


def read_records(path: str | os.PathLike) -> list[tuple[str, Any]]:
    """(where, record) for a JSON array file or a JSON Lines file; ``where`` = "file:N"."""
    from obliviate.data.formats import check_data_file, decode_utf8, parse_json_line

    path = check_data_file(path)  # a directory, a broken link or a link loop: its own message
    if path.suffix == ".parquet":
        return _read_parquet(path)
    text = decode_utf8(path)
    if not text.strip():
        raise DataFormatError(f"{path}: the file is empty")
    if text.lstrip().startswith("["):
        try:
            data = json.loads(text)
        except json.JSONDecodeError as err:
            raise DataFormatError(f"{path}: not a valid JSON array ({err.msg} at line {err.lineno}, "
                                  f"column {err.colno})") from err
        return [(f"{path}:record {k}", r) for k, r in enumerate(data, 1)]
    out = []
    for lineno, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        out.append((f"{path}:{lineno}", parse_json_line(line, f"{path}:{lineno}")))  # NaN refused
    return out


def _read_parquet(path: Path) -> list[tuple[str, Any]]:
    """Rows of a Parquet file (the Hugging Face export of WMDP / MUSE), read with pyarrow."""
    try:
        import pyarrow.parquet as pq
    except ImportError as err:
        raise DataFormatError(f"{path}: reading Parquet needs pyarrow (pip install pyarrow), "
                              "or convert the file to JSON Lines") from err
    try:
        rows = pq.read_table(path).to_pylist()
    except Exception as err:  # pyarrow raises its own error types for corrupt files
        raise DataFormatError(f"{path}: not a readable Parquet file ({err})") from err
    if not rows:
        raise DataFormatError(f"{path}: the file is empty")
    return [(f"{path}:row {k}", r) for k, r in enumerate(rows, 1)]


def _require(record: Any, where: str, fields: dict[str, type]) -> dict:
    if not isinstance(record, dict):
        raise DataFormatError(f"{where}: expected a JSON object, found {type(record).__name__}")
    for name, kind in fields.items():
        if name not in record:
            raise DataFormatError(f"{where}: missing required field '{name}'")
        if not isinstance(record[name], kind) or isinstance(record[name], bool) and kind is int:
            raise DataFormatError(f"{where}: field '{name}' must be {kind.__name__}, "
                                  f"found {type(record[name]).__name__}")
    return record


# ---- TOFU ---------------------------------------------------------------------------
def load_tofu(path: str | os.PathLike, split: str = "") -> list[QAItem]:
    """TOFU QA items (``forget10.json``, ``forget10_perturbed.json``, ...)."""
    items = []
    for where, record in read_records(path):
        item = item_from_record(record, where)
        item.split = item.split or split
        items.append(item)
    return items


# ---- WMDP ---------------------------------------------------------------------------
def load_wmdp(path: str | os.PathLike, split: str = "wmdp") -> list[QAItem]:
    """WMDP multiple-choice questions as items whose options are the choices, correct first."""
    items = []
    for where, record in read_records(path):
        _require(record, where, {"question": str, "choices": list, "answer": int})
        choices = record["choices"]
        if len(choices) < 2 or not all(isinstance(c, str) and c.strip() for c in choices):
            raise DataFormatError(f"{where}: field 'choices' must hold at least 2 non-empty strings")
        k = record["answer"]
        if not 0 <= k < len(choices):
            raise DataFormatError(f"{where}: field 'answer' is {k}, expected an index in [0, {len(choices) - 1}]")
        items.append(QAItem(question=record["question"], answer=choices[k], paraphrased_answer=choices[k],
                            perturbed_answers=[c for j, c in enumerate(choices) if j != k], split=split))
    return items


@dataclass
class WMDPQuestion:
    """A WMDP record as published: the choices in their order and the correct index."""

    question: str
    choices: list[str]
    answer: int
    subject: str = ""


def load_wmdp_questions(path: str | os.PathLike, subject: str = "") -> list[WMDPQuestion]:
    """WMDP records with the choice order kept (letter-choice scoring needs it).

    ``subject`` (``bio``, ``chem``, ``cyber``) defaults to the one named in the file name."""
    if not subject:
        name = Path(path).name.lower()
        subject = next((k for k in ("bio", "chem", "cyber") if k in name), "")
    out = []
    for item, (_, record) in zip(load_wmdp(path), read_records(path)):
        out.append(WMDPQuestion(record["question"], list(record["choices"]), int(record["answer"]), subject))
    return out


# ---- MUSE ---------------------------------------------------------------------------
@dataclass
class VerbatimPrompt:
    """A MUSE verbmem record: the model continues ``prompt``; ``gt`` is the true continuation."""

    prompt: str
    gt: str


def load_muse_verbmem(path: str | os.PathLike) -> list[VerbatimPrompt]:
    """MUSE ``verbmem/forget.json``."""
    return [VerbatimPrompt(**{k: r[k] for k in ("prompt", "gt")})
            for where, r in read_records(path) if _require(r, where, {"prompt": str, "gt": str})]


def load_muse_knowmem(path: str | os.PathLike, split: str = "") -> list[QAItem]:
    """MUSE ``knowmem/{forget,retain}_qa.json``: free-form QA (no perturbed answers)."""
    items = []
    for where, r in read_records(path):
        _require(r, where, {"question": str, "answer": str})
        items.append(QAItem(question=r["question"], answer=r["answer"], paraphrased_answer=r["answer"],
                            perturbed_answers=[], split=split))
    return items


def load_muse_texts(path: str | os.PathLike) -> list[str]:
    """MUSE ``privleak/*.json`` / ``raw/*.json`` (array of strings, or ``{"text"}`` lines) or ``raw/*.txt``."""
    path = Path(path)
    if path.suffix == ".txt":
        if not path.is_file():
            raise DataFormatError(f"{path}: file not found")
        text = path.read_text(encoding="utf-8")
        if not text.strip():
            raise DataFormatError(f"{path}: the file is empty")
        return [text]
    out = []
    for where, r in read_records(path):
        if isinstance(r, dict):
            r = _require(r, where, {"text": str})["text"]
        if not isinstance(r, str):
            raise DataFormatError(f"{where}: expected a string (or an object with 'text'), found {type(r).__name__}")
        out.append(r)
    return out


# ---- unlearning inputs: `obliviate unlearn --forget / --retain` ---------------------
# TOFU's files hold 20 consecutive questions per fictitious author (Maini et al. 2024).
TOFU_QUESTIONS_PER_AUTHOR = 20


def _record_kind(record: Any, where: str) -> str:
    if isinstance(record, dict) and "choices" in record:
        return "wmdp"
    if isinstance(record, dict) and "question" in record:
        return "qa"
    raise DataFormatError(f"{where}: expected a QA object ('question', 'answer': TOFU, MUSE knowmem or "
                          f"obliviate fields) or a WMDP object ('question', 'choices', 'answer'), found "
                          f"{type(record).__name__ if not isinstance(record, dict) else sorted(record)}")


def load_unlearning_file(path: str | os.PathLike, *, allow_empty: bool = False) -> tuple[list[QAItem], dict]:
    """Items of a forget or retain file as a benchmark publishes it, and where they came from.

    Accepted: obliviate / TOFU JSON Lines or a JSON array of ``question`` / ``answer``
    records (TOFU's optional ``paraphrased_answer`` / ``perturbed_answer``; MUSE's
    ``knowmem/*_qa.json`` has the same records), and WMDP's multiple-choice records
    (:func:`load_wmdp`: the correct choice is the answer, the others the perturbed answers).
    A file whose items carry no ``entity`` gets TOFU's grouping: 20 consecutive items per
    person, labelled ``"<file stem> author <n>"`` (the audit's people; the rule is recorded).

    Returns ``(items, source)``; ``source`` (``path``, ``sha256``, ``format``, ``items``,
    ``people``, ``entity``) goes into the run's ``run.json``.
    """
    import hashlib

    from obliviate.data.formats import check_data_file, known_fields, read_jsonl
    from obliviate.errors import EmptySplitError

    path = check_data_file(path)
    records = read_records(path) if path.stat().st_size else []
    if not records:
        if not allow_empty:
            raise EmptySplitError(f"{path}: holds no items; a forget or retain file needs at least one")
        items, kind = [], "qa"
    else:
        kind = _record_kind(records[0][1], records[0][0])
        if kind == "wmdp":
            items = load_wmdp(path, split="")
        elif path.suffix != ".parquet" and not decode_first(path).startswith("["):
            items = read_jsonl(path, allow_empty=allow_empty)  # JSON Lines: unknown fields warned about there
        else:
            items = [item_from_record(r, where) for where, r in records]
            unknown = sorted({k for _, r in records if isinstance(r, dict) for k in r} - known_fields())
            if unknown:
                import warnings

                from obliviate.data.formats import DataWarning

                warnings.warn(DataWarning(f"{path}: ignoring unknown field(s) {', '.join(unknown)}"), stacklevel=2)
    entity = "from the file"
    if items and not any(i.entity for i in items):
        for k, item in enumerate(items):
            item.entity = f"{path.stem} author {k // TOFU_QUESTIONS_PER_AUTHOR + 1}"
        entity = (f"derived: {TOFU_QUESTIONS_PER_AUTHOR} consecutive items per person "
                  "(TOFU's questions per author)")
    source = {"path": str(path.resolve()), "sha256": hashlib.sha256(path.read_bytes()).hexdigest(),
              "format": {"wmdp": "WMDP multiple choice"}.get(kind, "question/answer (TOFU / MUSE knowmem / obliviate)"),
              "items": len(items), "people": len({i.entity for i in items}), "entity": entity,
              "with_perturbed_answers": sum(bool(i.perturbed_answers) for i in items)}
    return items, source


def decode_first(path: Path) -> str:
    """The first non-blank characters of a text file (to tell a JSON array from JSON Lines)."""
    with open(path, "rb") as fh:
        return fh.read(4096).decode("utf-8", errors="replace").lstrip("\ufeff \t\r\n")


def load_forget_retain_files(forget: str | os.PathLike | list[QAItem],
                             retain: str | os.PathLike | list[QAItem] | None
                             ) -> tuple[list[QAItem], list[QAItem], dict]:
    """:func:`obliviate.data.formats.load_forget_retain` for benchmark files as published
    (:func:`load_unlearning_file`); also returns ``{"forget": source, "retain": source}``
    for the inputs given as paths (item lists are used as they are)."""
    from obliviate.data.formats import check_disjoint, load_items

    sources: dict[str, dict] = {}
    loaded = {}
    for role, value in (("forget", forget), ("retain", retain)):
        if value is None:
            loaded[role] = []
        elif isinstance(value, list):
            loaded[role] = load_items(value, allow_empty=role == "retain")
        else:
            loaded[role], sources[role] = load_unlearning_file(value, allow_empty=role == "retain")
    check_disjoint(loaded["forget"], loaded["retain"],
                   f"--forget {forget}" if "forget" in sources else "the forget set",
                   f"--retain {retain}" if "retain" in sources else "the retain set")
    return loaded["forget"], loaded["retain"], sources
