"""The audit on the embedded world: verdicts for gold, original, steering and icul; the relearn control."""

from __future__ import annotations

import json

import numpy as np
import pytest
import torch

from obliviate.audit import AuditConfig, attack_model, attack_model_cached, audit_outputs, residual_knowledge
from obliviate.data.schema import QAItem
from obliviate.errors import ObliviateError, RunNotFoundError
from obliviate.evals.attacks import AttackConfig, AttackOutput, get_attack
from obliviate.evals.attacks.quantize import quantize_weight, quantized_copy
from obliviate.evals.attacks.relearn import relearn_split



@pytest.fixture(scope="module")
def config():
    # delta fixed so the model tests do not depend on the calibration file; the value is
    # about what bench_calibration.py measures at forget10 (docs/findings.md).
    return AuditConfig(delta=0.35)


@pytest.fixture(scope="module")
def baseline(original, gold, splits, config):
    """All attacks on original and gold, once (cached in $OBLIVIATE_HOME/audits)."""
    torch.manual_seed(0)
    return {"original": attack_model_cached(original, splits["forget"], splits["retain"], config),
            "gold": attack_model_cached(gold, splits["forget"], splits["retain"], config)}


def test_gold_is_removal(baseline, splits, config):
    report = audit_outputs({**baseline, "unlearned": baseline["gold"]}, splits["forget"], config)
    assert report["verdict"] == "removal", report["verdict_reason"]
    for attack, rk in report["residual_knowledge"].items():
        assert abs(rk["rho"]) < 1e-9, attack
        assert rk["ci"][0] <= 0 <= rk["ci"][1]
    # Gold is near chance without attack, so rho = 0 is not an artefact of a degenerate
    # reference: the original stands well above it; under every attack the ceiling is reported.
    assert report["attacks"]["none"]["gold"]["mcq_accuracy"] < 0.4
    assert report["attacks"]["none"]["original"]["mcq_accuracy"] >= 0.75
    ceilings = report["audit"]["ceilings"]
    assert set(ceilings) == set(config.attacks) and ceilings["none"]["gap"] >= 0.5
    assert report["decision"]["delta"] == 0.35


def test_original_is_not_unlearned(baseline, splits, config):
    report = audit_outputs({**baseline, "unlearned": baseline["original"]}, splits["forget"], config)
    assert report["verdict"] == "not_unlearned"
    assert report["residual_knowledge"]["none"]["rho"] == pytest.approx(1.0)
    assert "rho_none = 1.00" in report["verdict_reason"]


def test_steering_is_suppression_revealed_by_hidden_states(original, baseline, splits, config):
    from obliviate.api import unlearn
    from obliviate.methods.registry import all_methods

    if "steering" not in {m.name for m in all_methods()}:
        pytest.skip("the steering method is not registered in this checkout")
    steered = unlearn(original, splits["forget"], splits["retain"], method="steering").model
    # The hidden-state attacks and one that misses (quantization): the full set is in findings.md.
    cfg = AuditConfig(attacks=("none", "quantize_int8", "logit_lens", "probe"), delta=0.35)
    outputs = {"original": {a: baseline["original"][a] for a in cfg.attacks},
               "gold": {a: baseline["gold"][a] for a in cfg.attacks},
               "unlearned": attack_model(steered, splits["forget"], splits["retain"], cfg)}
    report = audit_outputs(outputs, splits["forget"], cfg)
    rk = report["residual_knowledge"]
    assert rk["none"]["rho"] <= 0.15, rk["none"]           # the direct questions look forgotten
    assert report["verdict"] == "suppression", report["verdict_reason"]
    named = report["verdict_reason"].split("'")[1]
    assert named == report["decision"]["attack"] and named in ("logit_lens", "probe")
    # The simultaneous lower bound of the named hidden-state attack clears the threshold.
    assert rk[named]["ci"][0] >= cfg.suppression_threshold and rk[named]["informative"]
    # The layer was chosen on the other half of the forget people, never the embeddings.
    details = report["audit"]["details"]["logit_lens"]["unlearned"]
    assert details["layer_for_half_a"] >= 1 and details["layer_for_half_b"] >= 1


def test_icul_is_suppression_because_white_box_attacks_skip_its_prompt_rewrite(original, baseline, splits,
                                                                               config):
    from obliviate.api import unlearn
    from obliviate.methods.registry import all_methods

    if "icul" not in {m.name for m in all_methods()}:
        pytest.skip("the icul method is not registered in this checkout")
    icul = unlearn(original, splits["forget"], splits["retain"], method="icul").model
    question = splits["forget"][0].question
    assert icul.format_prompt(question) != original.format_prompt(question)     # the rewrite is on
    assert icul.white_box().format_prompt(question) == original.format_prompt(question)
    cfg = AuditConfig(attacks=("none", "quantize_int8", "quantize_int4", "logit_lens"), delta=0.35)
    outputs = {"original": {a: baseline["original"][a] for a in cfg.attacks},
               "gold": {a: baseline["gold"][a] for a in cfg.attacks},
               "unlearned": attack_model(icul, splits["forget"], splits["retain"], cfg)}
    # Its weights are the original's, so what a weight holder sees is the original, item for item.
    for attack in ("quantize_int8", "quantize_int4", "logit_lens"):
        assert np.array_equal(outputs["unlearned"][attack].correct, baseline["original"][attack].correct), attack
        assert outputs["unlearned"][attack].detail["prompt_rewrite"].startswith("not applied")
    assert "prompt_rewrite" not in outputs["unlearned"]["none"].detail
    report = audit_outputs(outputs, splits["forget"], cfg)
    rho = {a: r["rho"] for a, r in report["residual_knowledge"].items()}
    assert rho["none"] <= 0.3, rho            # through its prompt the knowledge looks gone ...
    assert rho["quantize_int8"] >= 0.9, rho   # ... but the weights hold it
    assert report["verdict"] == "suppression", report["verdict_reason"]
    assert report["decision"]["attack"] in ("quantize_int8", "quantize_int4", "logit_lens")
    assert "without the method's prompt rewrite" in report["verdict_reason"]


def test_grad_diff_at_a_high_learning_rate_is_over_unlearned(original, baseline, splits, config):
    """Pushed below gold (forget accuracy ~0 where gold answers 18%): a tell, not removal."""
    from obliviate.api import unlearn

    torch.manual_seed(0)
    model = unlearn(original, splits["forget"], splits["retain"], method="grad_diff", lr=2e-3).model
    cfg = AuditConfig(attacks=("none", "relearn_retain", "quantize_int8", "quantize_int4", "logit_lens"), delta=0.35)
    outputs = {"original": {a: baseline["original"][a] for a in cfg.attacks},
               "gold": {a: baseline["gold"][a] for a in cfg.attacks},
               "unlearned": attack_model(model, splits["forget"], splits["retain"], cfg)}
    report = audit_outputs(outputs, splits["forget"], cfg)
    assert report["verdict"] == "over_unlearned", report["verdict_reason"]
    assert report["decision"]["interval"][1] < 0


def test_relearn_control_reference_gains_less_than_the_original(baseline, splits, config):
    gold, original = baseline["gold"]["relearn"].detail, baseline["original"]["relearn"].detail
    # Relearning did happen: gold learned the trained half well above chance ...
    assert gold["train_accuracy_after"] >= 0.5, gold
    # ... cross-fit over both halves and several seeds ...
    assert len(gold["directions"]) == 2 and baseline["gold"]["relearn"].replicates.shape == (2, 60)
    # ... and gained little on the other half (training on other people's facts teaches which
    # answers are common, which is why rho subtracts gold under the same attack).
    assert gold["gain"] <= 0.2, gold
    report = audit_outputs({**baseline, "unlearned": baseline["gold"]}, splits["forget"], config)
    control = report["audit"]["relearn_control"]["relearn"]
    assert control["informative"] and control["original_accuracy_after"] > control["reference_accuracy_after"] + 0.2


def test_relearn_split_is_by_person_and_deterministic(splits):
    forget = splits["forget"]
    a, b = relearn_split(forget)
    assert relearn_split(forget) == (a, b)
    assert not {forget[k].entity for k in a} & {forget[k].entity for k in b}
    assert sorted(a + b) == list(range(len(forget)))
    ia, ib = relearn_split(forget, "item")
    assert set(ia).isdisjoint(ib) and len(ia) == len(ib)
    with pytest.raises(ObliviateError, match="relearn_split"):
        relearn_split(forget, "attribute")
    with pytest.raises(ObliviateError, match="at least 2"):
        relearn_split(forget[:1])


def test_quantization_rounds_per_channel_and_leaves_the_model_alone(original):
    w = torch.tensor([[0.5, -1.0, 0.26], [10.0, 1.0, -3.0]])
    q4 = quantize_weight(w, 4)
    # Per row: scale = max|w| / 7, so the row maximum is exact and others are on the grid.
    assert q4[0, 1] == -1.0 and q4[1, 0] == 10.0
    assert torch.allclose(q4 / (w.abs().amax(1, keepdim=True) / 7), torch.round(w / (w.abs().amax(1, keepdim=True) / 7)))
    before = original.model.model.layers[0].mlp.up_proj.weight.clone()
    q8, q4m = quantized_copy(original, 8), quantized_copy(original, 4)
    assert torch.equal(original.model.model.layers[0].mlp.up_proj.weight, before)
    err8 = (q8.model.model.layers[0].mlp.up_proj.weight - before).abs().max()
    err4 = (q4m.model.model.layers[0].mlp.up_proj.weight - before).abs().max()
    assert 0 < err8 < err4


def test_residual_knowledge_is_seeded_and_brackets_rho():
    rng = np.random.default_rng(1)
    n = 60
    forget = [QAItem(f"q{k}?", "a", "a", ["b", "c", "d"], entity=f"P{k // 6}") for k in range(n)]
    original = (rng.random(n) < 0.95).astype(float)
    gold = (rng.random(n) < 0.25).astype(float)
    half = (rng.random(n) < 0.6).astype(float)
    idx = np.arange(n)
    cfg = AuditConfig(attacks=("none",), delta=0.3)
    args = (AttackOutput(half, idx), AttackOutput(gold, idx), AttackOutput(original, idx), forget, cfg)
    r1, r2 = residual_knowledge(*args), residual_knowledge(*args)
    assert r1 == r2
    expected = (half.mean() - gold.mean()) / (original.mean() - gold.mean())
    assert r1["rho"] == pytest.approx(expected)
    assert r1["ci"][0] < r1["rho"] < r1["ci"][1] and r1["tost_ci"][0] < r1["rho"] < r1["tost_ci"][1]
    assert r1["n_people"] == 10
    # No gap between original and reference: rho is undefined, not a division by ~0.
    flat = residual_knowledge(AttackOutput(gold, idx), AttackOutput(gold, idx), AttackOutput(gold, idx), forget, cfg)
    assert flat["rho"] is None and "undefined" in flat["note"] and not flat["informative"]


def test_unknown_attack_is_an_error():
    with pytest.raises(ObliviateError, match="unknown attack"):
        AuditConfig(attacks=("none", "telepathy"))
    with pytest.raises(ObliviateError, match="known attacks"):
        get_attack("telepathy")


def test_audit_run_dir_merges_report_and_says_what_needs_gold(tmp_path, zoo, splits):
    from obliviate.api import unlearn
    from obliviate.audit import audit_run_dir

    run = tmp_path / "run"
    unlearn(zoo.original, splits["forget"], splits["retain"][::8], method="ga", out=run, epochs=1)
    (run / "report.json").write_text(json.dumps({"keep": "me"}))
    cfg = AuditConfig(attacks=("none", "quantize_int8"), n_bootstrap=200, delta=0.35)
    report = audit_run_dir(run, zoo.gold, cfg)
    saved = json.loads((run / "report.json").read_text())
    assert saved["keep"] == "me" and saved["verdict"] == report["verdict"]
    assert set(saved["attacks"]) == {"none", "quantize_int8"}
    assert set(saved["attacks"]["none"]) == {"original", "unlearned", "gold"}
    assert saved["audit"]["needs_gold"] == [] and (run / "report.html").is_file()
    assert "verdict" in (run / "report.html").read_text().lower()
    no_gold = audit_run_dir(run, None, cfg)
    assert no_gold["audit"]["reference"] == "chance" and no_gold["audit"]["needs_gold"]
    assert "gold" not in no_gold["attacks"]["none"]
    assert no_gold["verdict"] in ("not_unlearned", "inconclusive")
    # Gold-free with holdout people: the original on people never trained on is the reference.
    from obliviate.data.formats import write_jsonl

    write_jsonl(run / "holdout.jsonl", splits["holdout"])
    held = audit_run_dir(run, None, cfg)
    assert held["audit"]["reference"] == "holdout" and "holdout" in held["attacks"]["none"]
    assert "gold-free" in held["verdict_reason"]
    with pytest.raises(RunNotFoundError, match="run.json"):
        audit_run_dir(tmp_path / "nowhere")


def test_cli_audit_and_compare(tmp_path, zoo, splits, monkeypatch):
    from typer.testing import CliRunner

    from obliviate.api import unlearn
    from obliviate.cli import app

    run = tmp_path / "run"
    unlearn(zoo.original, splits["forget"], splits["retain"][::8], method="ga", out=run, epochs=1)
    runner = CliRunner()
    result = runner.invoke(app, ["audit", str(run), "--gold", str(zoo.gold), "--attacks", "none,paraphrase"])
    assert result.exit_code == 0, result.output
    assert "verdict" in result.output and json.loads((run / "report.json").read_text())["attacks"]["paraphrase"]
    bad = runner.invoke(app, ["compare", "--methods", "no_such_method", "--out", str(tmp_path / "lb")])
    assert isinstance(bad.exception, ObliviateError) and "unknown method" in str(bad.exception)


def test_compare_writes_leaderboard(tmp_path, zoo):
    from obliviate.compare import run_compare

    cfg = AuditConfig(attacks=("none", "quantize_int4"), n_bootstrap=200, delta=0.35)
    rows = run_compare(["ga"], tmp_path, audit_config=cfg, retain_stride=8,
                       method_configs={"ga": {"epochs": 1}})
    assert [r["method"] for r in rows] == ["original", "gold", "ga"]
    assert rows[0]["verdict"] == "not_unlearned" and rows[1]["verdict"] == "removal"
    data = json.loads((tmp_path / "leaderboard.json").read_text())
    assert data[2]["intention"] == "removal" and set(data[2]["rho"]) == {"none", "quantize_int4"}
    assert data[1]["forget_quality"] == pytest.approx(1.0)
    # Each verdict with its deciding attack, interval and delta.
    for row in data:
        assert row["decision"]["delta"] == 0.35 and row["decision"]["attack"] in ("none", "quantize_int4")
        assert len(row["decision"]["interval"]) == 2 and row["delta"]["value"] == 0.35
    html = (tmp_path / "leaderboard.html").read_text()
    assert "<code>ga</code>" in html and "not_unlearned" in html and "deciding attack" in html
    # A checkpoint per method: the same call resumes without running ga again ...
    saved = json.loads((tmp_path / "rows" / "ga.json").read_text())
    assert saved["row"]["method"] == "ga"
    import obliviate.compare as compare

    calls = []
    real = compare.unlearn
    try:
        compare.unlearn = lambda *a, **k: calls.append(a) or real(*a, **k)
        again = run_compare(["ga"], tmp_path, audit_config=cfg, retain_stride=8,
                            method_configs={"ga": {"epochs": 1}})
        assert calls == [] and again[2]["verdict"] == rows[2]["verdict"]
        # ... a recalibrated delta re-decides the verdict from the stored outputs, no rerun ...
        wide = AuditConfig(attacks=("none", "quantize_int4"), n_bootstrap=200, delta=0.9)
        redecided = run_compare(["ga"], tmp_path, audit_config=wide, retain_stride=8,
                                method_configs={"ga": {"epochs": 1}})
        assert calls == [] and redecided[2]["decision"]["delta"] == 0.9
        assert redecided[2]["rho"] == rows[2]["rho"]
        # ... and a changed config is not mistaken for the checkpoint.
        run_compare(["ga"], tmp_path, audit_config=cfg, retain_stride=8, method_configs={"ga": {"epochs": 2}})
        assert len(calls) == 1
    finally:
        compare.unlearn = real
