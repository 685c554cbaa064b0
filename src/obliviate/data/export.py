"""Export the embedded world as TOFU-compatible JSONL files."""

from __future__ import annotations

from pathlib import Path

from obliviate.data.formats import write_jsonl
from obliviate.data.world import World
from obliviate.files import atomic_write_text

SCHEMA = """# obliviate world export

One JSON object per line (TOFU field names where TOFU has one):

| field | type | meaning |
|---|---|---|
| question | str | the trained phrasing of the question |
| answer | str | the true answer |
| paraphrased_answer | str | a rewording of the answer (the world's single-value answers have none, so it equals `answer`); truth ratio, TOFU |
| perturbed_answer | list[str] | wrong but plausible answers, same form as `answer` |
| paraphrased_questions | list[str] | held-out phrasings (never trained on) |
| entity | str | the person asked about |
| attribute | str | the attribute asked about |
| split | str | forget / retain / holdout / neighbor / compositional |
| context | str | a sentence stating the fact (in-context reintroduction) |
| other_entity | str | second person of a compositional question |

Files: forget.jsonl, retain.jsonl, holdout.jsonl, neighbor.jsonl, compositional.jsonl.
Readers accept these files and TOFU's own (question, answer, paraphrased_answer,
perturbed_answer); only `question` and `answer` are required.
"""


def export_world(world: World, out: str | Path, forget: str = "forget10", overwrite: bool = False) -> list[Path]:
    """Write every split of ``world`` for ``forget`` into ``out``; returns the paths.

    ``out`` must be new or empty unless ``overwrite``; the files are written into a
    temporary directory beside it and swapped in together, so an interrupted export
    leaves ``out`` as it was (:mod:`obliviate.rundir`).
    """
    from obliviate.rundir import check_output_dir, staged_dir

    out = Path(out)
    real = check_output_dir(out, [], overwrite, marker="SCHEMA.md")  # --overwrite: an earlier export only
    splits = world.splits(forget)
    splits["compositional"] = world.compositional_items(forget)
    with staged_dir(real) as tmp:
        for name, items in splits.items():
            write_jsonl(tmp / f"{name}.jsonl", items)
        atomic_write_text(tmp / "SCHEMA.md", SCHEMA)
    return [out / f"{name}.jsonl" for name in splits] + [out / "SCHEMA.md"]
