"""The audit's statistics and verdict rules on synthetic per-item data whose truth is known.

Fast (no model): each test draws per-item correctness for original, unlearned and gold
from known accuracies, so the true rho of every attack is known, and checks what the
rules conclude, how often they are wrong, and that the intervals cover.
"""

from __future__ import annotations

import collections
import sys
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).parent))
from synth import synthetic_items, synthetic_outputs  # noqa: E402

from obliviate.audit import (AuditConfig, AuditData, audit_outputs, hierarchical_weights,  # noqa: E402
                             more_evidence, residual_knowledge_all, verdict)
from obliviate.errors import ObliviateError  # noqa: E402
from obliviate.evals.attacks import AttackOutput  # noqa: E402
from obliviate.evals.attacks.base import cross_fit_layers, option_credit, people_of, person_halves  # noqa: E402
from obliviate.evals.attacks.relearn import relearn_split  # noqa: E402

ATTACKS = ("none", "paraphrase", "relearn", "quantize_int8", "logit_lens", "probe")
DELTA = 0.35          # about what exact models calibrate to at 60 items (docs/findings.md)


def cfg(**kw) -> AuditConfig:
    return AuditConfig(attacks=("none",), delta=DELTA, n_bootstrap=kw.pop("n_bootstrap", 400), **kw)


def verdicts(rho: dict[str, float], runs: int = 20, people: int = 10, **kw) -> collections.Counter:
    forget = synthetic_items(people, 6)
    out = collections.Counter()
    for seed in range(runs):
        data = synthetic_outputs(np.random.default_rng(seed), len(forget), rho, **kw)
        out[audit_outputs(data, forget, cfg(seed=seed))["verdict"]] += 1
    return out


def test_hierarchical_weights_draw_people_then_their_items():
    groups = ["a"] * 3 + ["b"] * 5 + ["c"] * 2
    w = hierarchical_weights(groups, 2000, np.random.default_rng(0))
    assert w.shape == (2000, 10) and np.all(w == np.round(w)) and np.all(w >= 0)
    sizes = {"a": 3, "b": 5, "c": 2}
    starts = {"a": 0, "b": 3, "c": 8}
    for g, m in sizes.items():
        per_person = w[:, starts[g]:starts[g] + m].sum(axis=1)
        assert np.all(per_person % m == 0)               # whole copies of the person
        assert per_person.mean() == pytest.approx(m, rel=0.1)  # one copy on average
        assert (per_person == 0).mean() == pytest.approx((2 / 3) ** 3, abs=0.04)  # person left out


@pytest.mark.parametrize("mode", ["people", "people_items"])
def test_person_bootstrap_covers_when_people_differ(mode):
    """With strong person effects, an item bootstrap is too narrow; the person bootstrap
    keeps the 90% interval's coverage of the true rho (0.5) near nominal."""
    forget = synthetic_items(12, 5)
    groups = np.repeat(np.arange(12), 5)
    covered, widths = 0, []
    runs = 80
    for seed in range(runs):
        rng = np.random.default_rng(100 + seed)
        data = synthetic_outputs(rng, len(forget), {"none": 0.5}, original=0.8, gold=0.3,
                                 person_effect=0.15, groups=groups)
        # true rho: gold + 0.5 (o - g) at every item, so exactly 0.5 whatever the person effect
        rk = residual_knowledge_all(AuditData(forget, data["original"], data["unlearned"], data["gold"], "gold"),
                                    cfg(n_bootstrap=300, seed=seed, bootstrap=mode))["none"]
        lo, hi = rk["tost_ci"]
        covered += lo <= 0.5 <= hi
        widths.append(hi - lo)
    assert covered / runs >= 0.82, covered / runs
    assert np.mean(widths) < 1.0
    if mode == "people_items":     # conservative: counts the item-level variance twice
        assert covered / runs >= 0.9


def test_rho_is_relative_to_the_original_under_the_same_attack():
    forget = synthetic_items(10, 6)
    data = synthetic_outputs(np.random.default_rng(3), 60, {"none": 0.2, "paraphrase": 0.5},
                             ceilings={"paraphrase": 0.7})
    report = audit_outputs(data, forget, cfg())
    for a in ("none", "paraphrase"):
        u, o, g = (data[m][a].correct.mean() for m in ("unlearned", "original", "gold"))
        rk = report["residual_knowledge"][a]
        assert rk["rho"] == pytest.approx((u - g) / (o - g))
        assert rk["ceiling"]["original"] == pytest.approx(o) and rk["ceiling"]["reference"] == pytest.approx(g)
    assert report["audit"]["ceilings"]["paraphrase"]["original"] == pytest.approx(
        data["original"]["paraphrase"].correct.mean())


def test_exact_models_are_never_falsely_labelled_at_a_delta_calibrated_on_other_exact_models():
    """The audit's protocol on synthetic data: delta is the 95% quantile of max |rho*| over
    three exact models' bootstrap draws; thirty fresh exact models are then never called
    anything but removal or inconclusive, and most are removal."""
    from obliviate.audit import max_abs_rho_draws
    from obliviate.calibration import calibrate_delta

    forget = synthetic_items(10, 6)
    rho = {a: 0.0 for a in ATTACKS}
    draws = []
    for seed in range(3):
        data = synthetic_outputs(np.random.default_rng(1000 + seed), 60, rho)
        draws.append(max_abs_rho_draws(AuditData(forget, data["original"], data["unlearned"], data["gold"], "gold"),
                                       cfg(seed=seed)))
    delta = calibrate_delta(np.concatenate(draws))
    assert 0.2 < delta < 0.8
    counts = collections.Counter()
    for seed in range(30):
        data = synthetic_outputs(np.random.default_rng(seed), 60, rho)
        counts[audit_outputs(data, forget, AuditConfig(attacks=("none",), delta=delta, n_bootstrap=400,
                                                       seed=seed))["verdict"]] += 1
    # alpha = 0.05 bounds the rate of false claims (over_unlearned at rho = 0 here); never 0.
    false = sum(n for v, n in counts.items() if v not in ("removal", "inconclusive"))
    assert false <= 3 and not counts["suppression"] and not counts["not_unlearned"], counts
    assert counts["removal"] >= 15, (delta, counts)


def test_suppression_names_the_revealing_attack():
    forget = synthetic_items(10, 6)
    rho = {**{a: 0.0 for a in ATTACKS}, "probe": 0.9}
    for seed in range(10):
        report = audit_outputs(synthetic_outputs(np.random.default_rng(seed), 60, rho), forget, cfg())
        assert report["verdict"] == "suppression", report["verdict_reason"]
        assert report["verdict_reason"].split("'")[1] == "probe"
        assert report["decision"]["attack"] == "probe" and report["decision"]["interval"][0] >= 0.3


def test_original_is_not_unlearned_and_over_unlearning_is_flagged():
    assert verdicts({a: 1.0 for a in ATTACKS}, runs=10) == {"not_unlearned": 10}
    # Gold at 0.45 leaves room below it: the unlearned model avoids the answers (rho -0.9).
    counts = verdicts({**{a: 0.0 for a in ATTACKS}, "none": -1.0, "quantize_int8": -1.0}, runs=10,
                      gold=0.5, original=0.95)
    assert counts["over_unlearned"] >= 8 and not counts["removal"], counts


def test_partial_knowledge_is_inconclusive_with_how_much_more_data_would_decide():
    """rho 0.5 under the probe at 60 items: the lower bound misses 0.3. The estimate of how
    many more people would decide it is checked by drawing that many people."""
    rho = {**{a: 0.0 for a in ATTACKS}, "probe": 0.55}
    forget = synthetic_items(10, 6)
    undecided = None
    for seed in range(40):
        report = audit_outputs(synthetic_outputs(np.random.default_rng(seed), 60, rho), forget, cfg())
        if report["verdict"] == "inconclusive" and (report["decision"].get("more_evidence") or {}).get("decidable"):
            undecided = report
            break
    assert undecided is not None
    assert "partial" not in undecided["verdict_reason"]
    more = undecided["decision"]["more_evidence"]
    assert more["claim"] == "suppression" and more["attack"] == "probe" and more["more_people"] > 0
    assert f"{more['more_people']} more people" in undecided["verdict_reason"]
    people = max(more["people_needed"], 12)
    counts = verdicts(rho, runs=10, people=people)
    assert counts["suppression"] >= 6, (people, counts)


def test_low_ceiling_attacks_are_flagged_and_decide_nothing():
    forget = synthetic_items(10, 6)
    rho = {"none": 0.0, "paraphrase": 1.0, "quantize_int8": 0.0}
    data = synthetic_outputs(np.random.default_rng(0), 60, rho, ceilings={"paraphrase": 0.38})
    report = audit_outputs(data, forget, cfg())
    para = report["residual_knowledge"]["paraphrase"]
    assert para["informative"] is False and "ceiling too low" in para["note"], para
    assert report["verdict"] != "suppression"
    assert "paraphrase" in report["decision"]["uninformative_attacks"]


def test_simultaneous_intervals_control_the_familywise_error():
    """Eight null attacks: the chance that *some* simultaneous lower bound exceeds the
    true rho (0) stays near alpha, while marginal 95% bounds would err far more often."""
    forget = synthetic_items(10, 6)
    rho = {f"a{k}": 0.0 for k in range(7)} | {"none": 0.0}
    family_errors = marginal_errors = 0
    runs = 60
    for seed in range(runs):
        data = synthetic_outputs(np.random.default_rng(500 + seed), 60, rho)
        rk = residual_knowledge_all(AuditData(forget, data["original"], data["unlearned"], data["gold"], "gold"),
                                    cfg(n_bootstrap=300, seed=seed))
        family_errors += any(r["ci"][0] > 0 or r["ci"][1] < 0 for r in rk.values())
        marginal_errors += any(r["tost_ci"][0] > 0 or r["tost_ci"][1] < 0 for r in rk.values())
        assert all(r["critical_value"] > 1.96 for r in rk.values())
    assert family_errors / runs <= 0.12, family_errors
    assert marginal_errors > family_errors


def test_model_seeds_are_resampled_too():
    forget = synthetic_items(10, 6)
    rng = np.random.default_rng(0)
    data = synthetic_outputs(rng, 60, {"none": 0.0, "relearn": 0.3}, reps={"relearn": 4})
    one = {m: {a: o for a, o in d.items()} for m, d in data.items()}
    base = residual_knowledge_all(AuditData(forget, one["original"], one["unlearned"], one["gold"], "gold"), cfg())
    # The same replicates but one of the unlearned model's seeds recovers everything.
    wild = data["unlearned"]["relearn"].correct.copy()
    wild[0] = 1.0
    one["unlearned"] = {**one["unlearned"], "relearn": AttackOutput(wild, np.arange(60))}
    shaken = residual_knowledge_all(AuditData(forget, one["original"], one["unlearned"], one["gold"], "gold"), cfg())
    assert base["relearn"]["replicates"] == 4
    assert shaken["relearn"]["se"] > 1.5 * base["relearn"]["se"]


def test_gold_free_reference_uses_holdout_people_not_chance():
    """Under the probe, never-known people score 0.45 (above chance): against chance a
    gold-like model would look like suppression; against holdout people it does not."""
    forget = synthetic_items(10, 6)
    holdout = synthetic_items(10, 6, prefix="H")
    rho = {"none": 0.0, "probe": 0.0}
    wrong, right = collections.Counter(), collections.Counter()
    for seed in range(10):
        rng = np.random.default_rng(seed)
        data = synthetic_outputs(rng, 60, rho, ceilings={"probe": 0.95})
        for a in data["gold"]:
            p = 0.45 if a == "probe" else 0.25
            for m in ("gold", "unlearned"):
                data[m][a] = AttackOutput((rng.random(60) < p).astype(float), np.arange(60))
        held = {a: AttackOutput((rng.random(60) < (0.45 if a == "probe" else 0.25)).astype(float), np.arange(60))
                for a in rho}
        gold_free = audit_outputs({"original": data["original"], "unlearned": data["unlearned"], "holdout": held},
                                  forget, cfg(), holdout=holdout)
        right[gold_free["verdict"]] += 1
        assert gold_free["audit"]["reference"] == "holdout" and gold_free["audit"]["needs_gold"]
        assert "gold-free" in gold_free["verdict_reason"]
        chance = audit_outputs({"original": data["original"], "unlearned": data["unlearned"]}, forget, cfg())
        wrong[chance["verdict"]] += 1
    assert set(right) <= {"removal", "inconclusive"}, right
    # Without gold or holdout people nothing but not_unlearned can be concluded.
    assert set(wrong) == {"inconclusive"}, wrong


def test_verdict_rules_on_interval_summaries():
    def entry(rho, lo, hi, informative=True):
        return {"rho": rho, "ci": [lo, hi], "tost_ci": [lo + 0.05, hi - 0.05], "se": (hi - lo) / 4,
                "informative": informative, "n_people": 10, "n_items": 60}

    c = cfg()
    cases = [
        ({"none": entry(0.9, 0.7, 1.1), "probe": entry(1, 0.8, 1.2)}, "not_unlearned", "none"),
        ({"none": entry(0.0, -0.2, 0.2), "probe": entry(0.2, 0.0, 0.4), "logit_lens": entry(0.6, 0.35, 0.85)},
         "suppression", "logit_lens"),
        ({"none": entry(0.0, -0.2, 0.2), "probe": entry(0.9, 0.5, 1.3, informative=False)}, "removal", None),
        ({"none": entry(-0.5, -0.8, -0.2), "probe": entry(0.0, -0.2, 0.2)}, "over_unlearned", "none"),
        ({"none": entry(0.2, -0.1, 0.5), "probe": entry(0.1, -0.2, 0.4)}, "inconclusive", None),
        ({"none": {"rho": None, "ci": [None, None], "informative": False, "note": "nothing to forget"}},
         "inconclusive", None),
    ]
    for rhos, expected, named in cases:
        decision, reason, decided = verdict(rhos, c, DELTA)
        assert decision == expected, (rhos, reason)
        assert decided["delta"] == DELTA
        if named:
            assert f"'{named}'" in reason or decided["attack"] == named


def test_more_evidence_says_when_more_data_cannot_decide():
    rhos = {"none": {"rho": 0.2, "ci": [0.0, 0.4], "tost_ci": [0.05, 0.35], "se": 0.1, "informative": True,
                     "n_people": 10, "n_items": 60},
            "probe": {"rho": 0.37, "ci": [0.1, 0.64], "tost_ci": [0.15, 0.6], "se": 0.13, "informative": True,
                      "n_people": 10, "n_items": 60}}
    # 0.37 is above delta (0.35) and the threshold 0.3: only suppression can be reached.
    more = more_evidence(rhos, DELTA, 0.3)
    assert more["claim"] == "suppression" and more["factor"] > 10
    rhos["probe"]["rho"] = 0.32
    rhos["none"]["rho"] = 0.32
    more = more_evidence(rhos, 0.3, 0.33)
    assert more["decidable"] is False


def test_option_credit_splits_ties_and_refuses_nan():
    assert option_credit([1.0, 0.0, 0.5]) == 1.0
    assert option_credit([0.0, 1.0]) == 0.0
    assert option_credit([2.0, 2.0, 2.0, 1.0]) == pytest.approx(1 / 3)
    with pytest.raises(ObliviateError, match="non-finite"):
        option_credit([float("nan")] * 4)
    with pytest.raises(ObliviateError, match="non-finite"):
        option_credit([-np.inf, -np.inf])


def test_tofu_items_without_entity_form_people_of_twenty():
    items = [i.__class__(**{**i.to_dict(), "entity": ""}) for i in synthetic_items(4, 20)]
    people = people_of(items)
    assert people[:20] == ["block-0"] * 20 and people[20] == "block-1" and len(set(people)) == 4
    a, b = relearn_split(items)
    assert {people[k] for k in a}.isdisjoint({people[k] for k in b})
    assert len(a) == len(b) == 40
    with pytest.raises(ObliviateError, match="2 forget people"):
        relearn_split(items[:20])


def test_cross_fit_layers_never_scores_an_item_at_a_layer_chosen_on_it():
    items = synthetic_items(4, 5)
    a, b = person_halves(items)
    per_layer = np.zeros((4, 20))
    per_layer[0] = 1.0                  # embeddings: best everywhere, never a candidate
    per_layer[2, a] = 1.0               # layer 2 reads half A only
    per_layer[3, b] = 1.0               # layer 3 reads half B only
    correct, detail = cross_fit_layers(per_layer, items)
    # Half A is scored at the layer that is best on half B (3), where it is wrong, and vice versa.
    assert detail["layer_for_half_a"] == 3 and detail["layer_for_half_b"] == 2
    assert correct.sum() == 0


def test_calibration_file_round_trip_and_errors(tmp_path):
    from obliviate.calibration import calibrate_delta, load_calibration, save_calibration

    assert calibrate_delta(np.array([0.1, 0.2, np.nan, 0.3]), 0.5) == pytest.approx(0.2)
    path = save_calibration({"delta": 0.31, "provenance": {"models": 3}}, tmp_path / "cal.json")
    assert load_calibration(path)["delta"] == 0.31
    config = AuditConfig(calibration=str(path))
    assert config.resolved_delta()[0] == 0.31
    (tmp_path / "bad.json").write_text('{"delta": 3}')
    with pytest.raises(ObliviateError, match="delta"):
        load_calibration(tmp_path / "bad.json")
    with pytest.raises(ObliviateError, match="not found"):
        load_calibration(tmp_path / "missing.json")
    with pytest.raises(ObliviateError, match="delta"):
        AuditConfig(delta=1.5)
