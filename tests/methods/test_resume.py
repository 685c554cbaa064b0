"""An unlearning run stopped midway resumes from its checkpoint to the same weights."""

from __future__ import annotations

import json

import pytest
import torch

from obliviate.api import unlearn
from obliviate.errors import ObliviateError

QUICK = {"epochs": 3, "batch_size": 8}   # 16 forget items: 6 steps


def _items(splits):
    return splits["forget"][:16], splits["retain"][:32]



def _weights(lm) -> dict[str, torch.Tensor]:
    return {k: v.clone() for k, v in lm.model.state_dict().items()}


@pytest.mark.parametrize("method, error", [("npo", KeyboardInterrupt), ("npo", RuntimeError),
                                           ("ga_kl", KeyboardInterrupt)])
def test_stopped_run_resumes_to_the_same_weights(stop_at, method, error, original, splits, tmp_home, monkeypatch):
    forget, retain = _items(splits)
    whole = _weights(unlearn(original, forget, retain, method=method, **QUICK).model)
    with monkeypatch.context() as patch:
        # Ctrl-C saves at the step it interrupts (4); a crash leaves the last periodic save (3).
        stop_at(patch, 4, error)
        with pytest.raises(error):
            unlearn(original, forget, retain, method=method, checkpoint_every=3, **QUICK)
    (saved,) = (tmp_home / "checkpoints").iterdir()
    assert json.loads((saved / "state.json").read_text())["step"] == (4 if error is KeyboardInterrupt else 3)
    resumed = unlearn(original, forget, retain, method=method, resume=True, **QUICK)
    after = _weights(resumed.model)
    assert after.keys() == whole.keys()
    assert all(torch.equal(after[k], whole[k]) for k in whole), "resumed weights differ from the whole run's"
    assert not any((tmp_home / "checkpoints").iterdir()), "a finished run leaves its checkpoint behind"
    assert not all(torch.equal(after[k], v) for k, v in original.model.state_dict().items())


def test_a_checkpoint_is_resumed_only_by_the_same_run(stop_at, original, splits, tmp_home, monkeypatch):
    forget, retain = _items(splits)
    with monkeypatch.context() as patch:
        stop_at(patch, 2, KeyboardInterrupt)
        with pytest.raises(KeyboardInterrupt):
            unlearn(original, forget, retain, method="npo", **QUICK)
    # Another option value is another run: nothing to resume.
    with pytest.raises(ObliviateError, match="no checkpoint of this run"):
        unlearn(original, forget, retain, method="npo", resume=True, **{**QUICK, "lr": 1e-4})
    with pytest.raises(ObliviateError, match="nothing to resume"):
        unlearn(original, forget, retain, method="steering", resume=True)
    # resume=False discards the checkpoint and starts over.
    unlearn(original, forget, retain, method="npo", resume=False, **QUICK)
    assert not any((tmp_home / "checkpoints").iterdir())


def _cli(args: list[str]) -> int:
    from obliviate.cli import main

    with pytest.raises(SystemExit) as exit_:
        main(args)
    return exit_.value.code


def test_cli_resume(stop_at, zoo, splits, tmp_home, tmp_path, monkeypatch, capsys):
    from obliviate.data.formats import write_jsonl

    forget, retain = _items(splits)
    write_jsonl(tmp_path / "forget.jsonl", forget)
    write_jsonl(tmp_path / "retain.jsonl", retain)
    args = ["unlearn", "--model", str(zoo.original), "--forget", str(tmp_path / "forget.jsonl"),
            "--retain", str(tmp_path / "retain.jsonl"), "--method", "npo", "-o", "epochs=3", "-o", "batch_size=8"]
    assert _cli([*args, "--out", str(tmp_path / "none"), "--resume"]) == 2
    assert "no checkpoint of this run" in capsys.readouterr().err
    with monkeypatch.context() as patch:
        stop_at(patch, 4, KeyboardInterrupt)
        assert _cli([*args, "--out", str(tmp_path / "a")]) == 130
    assert not (tmp_path / "a" / "run.json").exists()
    assert _cli([*args, "--out", str(tmp_path / "a"), "--resume"]) == 0
    assert _cli([*args, "--out", str(tmp_path / "b")]) == 0
    sha = [json.loads((tmp_path / d / "run.json").read_text())["unlearned"]["sha256"] for d in ("a", "b")]
    assert sha[0] == sha[1]
