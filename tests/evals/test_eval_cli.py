"""`obliviate eval --benchmark tofu` on the shared TOFU files with the tiny model (in process)."""

from __future__ import annotations

import json
import math
import sys
from pathlib import Path

import numpy as np
import pytest
import torch

from obliviate.files import directory_hash

TOFU_QA = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "tofu" / "qa"


def run_main(monkeypatch, *args) -> int:
    from obliviate.cli import main

    monkeypatch.setattr(sys, "argv", ["obliviate", *map(str, args)])
    with pytest.raises(SystemExit) as exit_info:
        main()
    return exit_info.value.code


@pytest.fixture(scope="module")
def tofu_eval(zoo, tmp_path_factory):
    from typer.testing import CliRunner

    from obliviate.cli import app

    if not TOFU_QA.is_dir():
        pytest.skip("the shared TOFU files are not here (../shared/data/tofu)")
    out = tmp_path_factory.mktemp("eval") / "tofu"
    result = CliRunner().invoke(app, ["eval", "--model", str(zoo.original), "--benchmark", "tofu",
                                      "--data", str(TOFU_QA), "--forget-split", "forget01",
                                      "--retain-model", str(zoo.gold), "--limit", "6",
                                      "--max-new-tokens", "8", "--out", str(out)])
    assert result.exit_code == 0, result.output
    return out, json.loads((out / "eval.json").read_text())


def test_tofu_eval_writes_per_item_values_and_tofu_aggregates(tofu_eval, zoo):
    out, report = tofu_eval
    assert (out / "eval.html").read_text().startswith("<!doctype html>")
    assert set(report["splits"]) == {"forget", "retain", "real_authors", "world_facts"}
    assert all(s["items"] == 6 and len(s["per_item"]) == 6 for s in report["splits"].values())
    assert report["config"]["prompt_format"]["name"] == "obliviate"  # the tiny tokenizer has no chat template
    assert report["models"]["model"]["sha256"] == directory_hash(zoo.original)
    forget = report["splits"]["forget"]
    # Raw probability on forget: mean exp(-avg_gt_loss).
    assert forget["aggregates"]["probability"] == pytest.approx(
        np.mean([math.exp(-r["avg_gt_loss"]) for r in forget["per_item"]]), abs=1e-9)
    # Real authors: normalized over the 3 perturbed answers; truth ratio mean max(0, 1 - R).
    ra = report["splits"]["real_authors"]
    norm = [math.exp(-r["avg_gt_loss"]) / (math.exp(-r["avg_gt_loss"]) + sum(math.exp(-x) for x in
                                                                          r["average_perturb_loss"]))
            for r in ra["per_item"]]
    assert ra["aggregates"]["probability"] == pytest.approx(np.mean(norm), abs=1e-9)
    ratios = [math.exp(r["avg_paraphrased_loss"] - np.mean(r["average_perturb_loss"])) for r in ra["per_item"]]
    assert ra["aggregates"]["truth_ratio"] == pytest.approx(np.mean(np.maximum(0, 1 - np.array(ratios))), abs=1e-9)
    # The shared forget/retain extracts have no perturbed answers: no truth ratio, no forget quality,
    # and the output says so.
    assert forget["aggregates"]["truth_ratio"] is None and report["aggregates"]["forget_quality"] is None
    assert any("forget quality" in n for n in report["notes"])


def test_tofu_answer_loss_is_full_text_tokenized_with_eos(tofu_eval, original):
    _, report = tofu_eval
    row = report["splits"]["world_facts"]["per_item"][0]
    tok = original.tokenizer
    prompt = f"Question: {row['question']}\nAnswer:"
    ids = tok(prompt + " " + row["answer"])["input_ids"] + [tok.eos_token_id]
    n_prompt = len(tok(prompt)["input_ids"])
    with torch.no_grad():
        logp = torch.log_softmax(original.model(torch.tensor([ids])).logits[0, :-1].float(), -1)
    nll = -logp[torch.arange(len(ids) - 1), torch.tensor(ids[1:])][n_prompt - 1:]
    assert row["avg_gt_loss"] == pytest.approx(float(nll.mean()), abs=1e-5)


def test_eval_bad_input_exits_2_and_writes_nothing(monkeypatch, zoo, tmp_path):
    out = tmp_path / "out"
    assert run_main(monkeypatch, "eval", "--model", zoo.original, "--benchmark", "tofu", "--data", tmp_path,
                    "--forget-split", "forget01", "--out", out) == 2
    assert not out.exists() or not any(out.iterdir())
    assert run_main(monkeypatch, "eval", "--model", zoo.original, "--benchmark", "squad", "--data", TOFU_QA,
                    "--out", out) == 2
    assert run_main(monkeypatch, "eval", "--model", zoo.original, "--benchmark", "tofu", "--data", TOFU_QA,
                    "--forget-split", "forget01", "--prompt-format", "chat", "--out", out) == 2
    assert not out.exists() or not any(out.iterdir())
    # --overwrite replaces only an earlier eval output (one holding eval.json).
    (tmp_path / "keep").mkdir()
    (tmp_path / "keep" / "notes.txt").write_text("mine")
    assert run_main(monkeypatch, "eval", "--model", zoo.original, "--benchmark", "tofu", "--data", TOFU_QA,
                    "--forget-split", "forget01", "--overwrite", "--out", tmp_path / "keep") == 2
    assert [p.name for p in (tmp_path / "keep").iterdir()] == ["notes.txt"]


FIXTURES = Path(__file__).resolve().parents[1] / "data" / "benchmarks"


def test_muse_eval_on_files_in_muse_bench_layout(zoo, tmp_path):
    import shutil

    from obliviate.evals.benchmark import run_benchmark
    from obliviate.evals.muse import privleak

    data = tmp_path / "news"
    for sub, src in (("verbmem/forget.json", "muse_verbmem_forget.json"),
                     ("knowmem/forget_qa.json", "muse_knowmem_forget_qa.json"),
                     ("privleak/forget.json", "muse_privleak_forget.json"),
                     ("privleak/holdout.jsonl", "muse_raw_holdout.jsonl")):
        (data / sub).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(FIXTURES / src, data / sub)
    report = run_benchmark("muse", zoo.original, data, tmp_path / "out", max_new_tokens=4,
                           options={"privleak_retrained_auc": 0.5})
    agg = report["aggregates"]
    assert set(agg["mia_auc"]) == {"loss", "zlib", "min_k", "min_k_plus_plus"}
    assert agg["privleak"] == pytest.approx(privleak(agg["mia_auc"]["min_k"], 0.5))
    assert agg["privleak_auc_min_k_40"] == agg["mia_auc"]["min_k"]
    assert 0 <= agg["verbmem_f"] <= 1 and "knowmem_f" in agg and "knowmem_r" not in agg
    assert any("icl" in n for n in report["notes"])
    saved = json.loads((tmp_path / "out" / "eval.json").read_text())
    assert saved["aggregates"]["privleak"] == pytest.approx(agg["privleak"])


def test_wmdp_eval_accuracy_is_size_weighted_over_files(zoo, tmp_path):
    from obliviate.evals.benchmark import run_benchmark

    report = run_benchmark("wmdp", zoo.original, FIXTURES, tmp_path / "out")
    splits = report["splits"]
    assert {k: v["items"] for k, v in splits.items()} == {"bio": 2, "cyber": 1}
    agg = report["aggregates"]
    credit = [r["credit"] for s in splits.values() for r in s["per_item"]]
    assert agg["accuracy"] == pytest.approx(np.mean(credit))
    assert agg["accuracy_bio"] == pytest.approx(np.mean([r["credit"] for r in splits["bio"]["per_item"]]))


def test_eval_html_rerenders_from_json(tofu_eval):
    from obliviate.evals.benchmark import rerender_benchmark_report

    out, report = tofu_eval
    (out / "eval.html").unlink()
    html = rerender_benchmark_report(out).read_text()
    assert "obliviate eval: <code>tofu</code>" in html and report["models"]["model"]["sha256"][:16] in html


def test_eval_command_knows_the_same_benchmarks_as_the_runner():
    from obliviate.commands import eval as command
    from obliviate.evals.benchmark import BENCHMARKS

    assert command.BENCHMARKS == BENCHMARKS


def test_obliviate_report_rerenders_an_eval_dir(tofu_eval):
    from typer.testing import CliRunner

    from obliviate.cli import app

    out, _ = tofu_eval
    (out / "eval.html").unlink()
    result = CliRunner().invoke(app, ["report", str(out)])
    assert result.exit_code == 0, result.output
    assert (out / "eval.html").read_text().startswith("<!doctype html>")


def test_tofu_eval_with_perturbed_files_gives_utility_forget_quality_and_mias(zoo, splits, original, gold,
                                                                               tmp_path):
    """The whole TOFU path on TOFU-format files with perturbed answers (the embedded world's
    items written as TOFU JSONL): forget quality and all 9 utility numbers are computed and
    agree with the per-item values; the original is far from gold, gold is gold."""
    from obliviate.data.formats import write_jsonl
    from obliviate.evals import metrics
    from obliviate.evals.benchmark import run_benchmark

    data = tmp_path / "tofu"
    write_jsonl(data / "forget10_perturbed.jsonl", splits["forget"][:40])
    write_jsonl(data / "retain_perturbed.jsonl", splits["retain"][::24])
    write_jsonl(data / "real_authors_perturbed.jsonl", splits["neighbor"][:20])
    write_jsonl(data / "world_facts_perturbed.jsonl", splits["neighbor"][20:40])
    write_jsonl(data / "holdout10.jsonl", splits["holdout"][:40])
    report = run_benchmark("tofu", zoo.original, data, tmp_path / "out", retain_model=zoo.gold,
                           max_new_tokens=8)
    agg = report["aggregates"]
    nine = [agg[s][m] for s in metrics.TOFU_UTILITY_SPLITS for m in metrics.TOFU_UTILITY_METRICS]
    assert agg["model_utility"] == pytest.approx(len(nine) / sum(1 / v for v in nine), abs=1e-9)
    forget = report["splits"]["forget"]
    ours = [r["truth_ratio"] for r in forget["per_item"]]
    assert agg["forget_quality"] == pytest.approx(metrics.forget_quality(ours, forget["retain_model_truth_ratio"]))
    # Same items, same definitions as the demo's evaluation.
    assert agg["forget_quality"] == pytest.approx(metrics.forget_quality(
        metrics.truth_ratios(original, splits["forget"][:40]), metrics.truth_ratios(gold, splits["forget"][:40])),
        abs=1e-6)
    assert agg["forget_quality"] < 0.01
    # The original trained on the forget answers: the LOSS attack separates them from holdout.
    assert set(agg["mia_auc"]) == {"loss", "zlib", "min_k", "min_k_plus_plus", "reference"}
    assert agg["mia_auc"]["loss"] > 0.75
