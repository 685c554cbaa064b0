"""No output may delete or overwrite an input, whatever the path relation (issue 16, data loss).

All in-process. Refusals come before any model is loaded, so most cases cost milliseconds;
one full (tiny) run checks --overwrite end to end.
"""

from __future__ import annotations

import json
import os
import shutil
import sys

import pytest

UNLEARN = ["unlearn", "--method", "ga", "-o", "epochs=1"]


@pytest.fixture
def chain_run(tmp_path, tiny_model):
    """A previous run directory holding its model: chain_run/model, as a chained unlearning uses it."""
    run = tmp_path / "chain_run"
    shutil.copytree(tiny_model, run / "model")
    (run / "run.json").write_text("{}")
    return run


def _layouts(tmp_path, chain_run, forget):
    """(description, --model, --out, extra args) for every relation between an output and an input."""
    model = chain_run / "model"
    (tmp_path / "link_to_run").symlink_to(chain_run, target_is_directory=True)
    (tmp_path / "link_to_model").symlink_to(model, target_is_directory=True)
    return [
        ("out is the run holding the model", model, chain_run, []),
        ("out is the run holding the model, --overwrite", model, chain_run, ["--overwrite"]),
        ("out is the model", model, model, ["--overwrite"]),
        ("out inside the model", model, model / "sub", []),
        ("out is a symlink to the run", model, tmp_path / "link_to_run", ["--overwrite"]),
        ("out is a symlink to the model", model, tmp_path / "link_to_model", ["--overwrite"]),
        ("model through a symlink, out its real parent", tmp_path / "link_to_model" , chain_run, ["--overwrite"]),
        ("out holds the forget file", model, forget.parent, ["--overwrite"]),
    ]


def test_no_output_relation_can_touch_an_input(cli, tmp_path, chain_run, splits, tree, monkeypatch):
    from obliviate.data.formats import write_jsonl

    data = tmp_path / "data"
    forget = write_jsonl(data / "forget.jsonl", splits["forget"][:3])
    layouts = _layouts(tmp_path, chain_run, forget)
    before = tree(tmp_path)
    for what, model, out, extra in layouts:
        r = cli(*UNLEARN, "--model", model, "--forget", forget, "--out", out, *extra)
        assert r.code == 2, f"{what}: {r.output}"
        assert "input" in r.err and "Traceback" not in r.err, f"{what}: {r.err}"
        assert tree(tmp_path) == before, f"{what}: an input changed"


def test_refusals_come_before_the_heavy_imports(cli, tmp_path, chain_run, data_files, monkeypatch):
    """A bad --out, --forget or --model fails without importing the API (torch, the methods, the model)."""
    forget, retain = data_files
    monkeypatch.setitem(sys.modules, "obliviate.api", None)  # importing it now raises ImportError
    file_out = tmp_path / "a_file"
    file_out.write_text("keep me")
    cases = [
        (["--model", chain_run / "model", "--forget", forget, "--out", file_out], "is an existing file"),
        (["--model", chain_run / "model", "--forget", forget, "--out", chain_run], "contains the input --model"),
        (["--model", chain_run / "model", "--forget", forget, "--out", file_out / "x"], "is a file, so"),
        (["--model", chain_run / "model", "--forget", forget, "--retain", forget, "--out", tmp_path / "o"],
         "hold the same items"),
        (["--model", chain_run / "model", "--forget", tmp_path, "--out", tmp_path / "o"], "is a directory"),
        (["--model", tmp_path / "missing", "--forget", forget, "--out", tmp_path / "o"], "does not exist"),
        (["--model", chain_run / "model", "--forget", forget, "--out", tmp_path / "o", "-o", "novalue"],
         "key=value"),
    ]
    for args, needle in cases:
        r = cli("unlearn", *args)
        assert r.code == 2 and needle in r.err, (args, r.output)
    assert file_out.read_text() == "keep me" and not (tmp_path / "o").exists()


def test_non_empty_out_needs_overwrite_and_is_replaced_whole(cli, tmp_path, tiny_model, data_files, tree):
    forget, retain = data_files
    out = tmp_path / "run"
    (out / "model").mkdir(parents=True)
    (out / "model" / "user_weights.safetensors").write_bytes(b"mine")
    (out / "notes.txt").write_text("mine too")
    (out / "run.json").write_text("{}")  # an earlier run: --overwrite may replace it
    forget_copy = out / "forget_link.jsonl"
    os.link(forget, forget_copy)  # a hard link to the input, inside the output
    before_out, before_forget, before_model = tree(out), forget.read_bytes(), tree(tiny_model)

    r = cli(*UNLEARN, "--model", tiny_model, "--forget", forget, "--retain", retain, "--out", out)
    assert r.code == 2 and "is not empty" in r.err and "--overwrite" in r.err
    assert tree(out) == before_out

    r = cli(*UNLEARN, "--model", tiny_model, "--forget", forget, "--retain", retain, "--out", out, "--overwrite")
    assert r.code == 0, r.output
    assert sorted(p.name for p in out.iterdir()) == ["forget.jsonl", "model", "retain.jsonl", "run.json"]
    run = json.loads((out / "run.json").read_text())
    assert run["unlearned"]["path"] == str(out / "model") and run["original"]["path"] == str(tiny_model.resolve())
    assert forget.read_bytes() == before_forget and tree(tiny_model) == before_model
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(["run", "forget.jsonl", "retain.jsonl"])


def test_a_failed_overwrite_leaves_the_old_run_untouched(cli, tmp_path, tiny_model, data_files, tree, monkeypatch):
    import obliviate.api as api

    forget, retain = data_files
    out = tmp_path / "run"
    out.mkdir()
    (out / "run.json").write_text('{"old": true}')
    before = tree(out)

    def broken_save(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(api, "save_model", broken_save)
    with pytest.raises(OSError, match="No space left"):
        cli(*UNLEARN, "--model", tiny_model, "--forget", forget, "--out", out, "--overwrite")
    assert tree(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(["run", "forget.jsonl", "retain.jsonl"])


def test_overwrite_replaces_only_an_earlier_output(cli, tmp_path, tiny_model, data_files, tree):
    """--overwrite on a directory that is not an earlier run (e.g. --out ~ by mistake) is refused."""
    forget, _ = data_files
    home = tmp_path / "home"
    (home / "photos").mkdir(parents=True)
    (home / "photos" / "cat.jpg").write_bytes(b"meow")
    before = tree(home)
    r = cli(*UNLEARN, "--model", tiny_model, "--forget", forget, "--out", home, "--overwrite")
    assert r.code == 2 and "no run.json" in r.err and tree(home) == before
    r = cli("world", "export", "--out", home, "--people", 20, "--overwrite")
    assert r.code == 2 and "no SCHEMA.md" in r.err and tree(home) == before


def test_world_export_refuses_a_non_empty_out_and_a_file(cli, tmp_path, tree):
    out = tmp_path / "w"
    out.mkdir()
    (out / "mine.txt").write_text("x")
    r = cli("world", "export", "--out", out, "--people", 20)
    assert r.code == 2 and "not empty" in r.err and (out / "mine.txt").read_text() == "x"
    r = cli("world", "export", "--out", out / "mine.txt", "--people", 20)
    assert r.code == 2 and "existing file" in r.err
    export = tmp_path / "export"
    assert cli("world", "export", "--out", export, "--people", 20).code == 0
    assert cli("world", "export", "--out", export, "--people", 20).code == 2
    r = cli("world", "export", "--out", export, "--people", 30, "--overwrite")
    assert r.code == 0 and (export / "forget.jsonl").is_file() and (export / "SCHEMA.md").is_file()


def test_ledger_outputs_never_touch_the_model_or_the_ledger(cli, tmp_path, tiny_model, data_files, tree):
    forget, retain = data_files
    r = cli("ledger", "init", tiny_model.parent, "--model", tiny_model)
    assert r.code == 2 and "the input --model" in r.err
    busy = tmp_path / "busy"
    busy.mkdir()
    (busy / "x").write_text("x")
    r = cli("ledger", "init", busy, "--model", tiny_model)
    assert r.code == 2 and "not empty" in r.err
    ledger = tmp_path / "L"
    assert cli("ledger", "init", ledger, "--model", tiny_model, "--retain", retain).code == 0
    assert cli("ledger", "add", ledger, "--items", forget).code == 0
    def files(root):
        """The ledger's content: its files, the database as rows (WAL checkpoints move pages, not rows)."""
        import sqlite3

        con = sqlite3.connect(root / "ledger.sqlite")
        rows = "\n".join(con.iterdump())
        con.close()
        return rows, {k: v for k, v in tree(root).items() if not k.startswith("ledger.sqlite")}

    before = files(ledger)
    for out in (ledger / "ledger.sqlite", ledger / "retain.jsonl", tiny_model / "config.json"):
        r = cli("ledger", "certificate", ledger, "r0001", "--out", out, "--overwrite")
        assert r.code == 2 and "input" in r.err, (out, r.output)
    cert = tmp_path / "cert.json"
    cert.write_text("old")
    r = cli("ledger", "certificate", ledger, "r0001", "--out", cert)
    assert r.code == 2 and "exists" in r.err and cert.read_text() == "old"
    assert cli("ledger", "certificate", ledger, "r0001", "--out", cert, "--overwrite").code == 0
    assert json.loads(cert.read_text())["request_id"] == "r0001"
    assert files(ledger) == before
    # A request that repeats retain items contradicts the ledger's retain set.
    r = cli("ledger", "add", ledger, "--items", retain)
    assert r.code == 2 and "the ledger's retain set hold the same items" in r.err


def test_report_and_ununlearn_never_write_into_a_model(cli, tmp_path, chain_run, tree):
    model = chain_run / "model"
    (chain_run / "report.json").write_text("{}")
    (chain_run / "report.html").symlink_to(model / "config.json")
    before = tree(model)
    r = cli("report", chain_run)
    assert r.code == 2 and "input model" in r.err and tree(model) == before
    (chain_run / "report.html").unlink()
    # ununlearn writes RUN/ununlearning.json: a --gold that holds RUN would be modified by it.
    r = cli("ununlearn", chain_run, "--gold", chain_run)
    assert r.code == 2 and "the input gold model" in r.err and not (chain_run / "ununlearning.json").exists()


def test_api_refuses_to_write_into_the_directory_a_loaded_model_came_from(tiny_model, splits, tmp_path, tree):
    from obliviate.api import unlearn
    from obliviate.errors import ObliviateError
    from obliviate.models.load import load_model

    copy = tmp_path / "model"
    shutil.copytree(tiny_model, copy)
    before = tree(copy)
    with pytest.raises(ObliviateError, match="the input model directory"):
        unlearn(load_model(copy), splits["forget"][:2], None, method="ga", out=copy, overwrite=True, epochs=1)
    assert tree(copy) == before


@pytest.fixture
def audited_run(tmp_path, tiny_model, splits):
    """A run directory as `obliviate unlearn` writes it (its model a copy of the tiny model)."""
    from obliviate.data.formats import write_jsonl

    run = tmp_path / "run"
    shutil.copytree(tiny_model, run / "model")
    write_jsonl(run / "forget.jsonl", splits["forget"][:4])
    write_jsonl(run / "retain.jsonl", splits["retain"][:4])
    (run / "run.json").write_text(json.dumps({"method": "ga", "intention": "removal",
                                              "original": {"path": str(tiny_model)}}))
    return run


def test_audit_never_writes_its_report_into_or_around_an_input(cli, tmp_path, audited_run, tiny_model, tree,
                                                               monkeypatch):
    """audit writes RUN/report.json and report.html; refused before the audit module (torch) is imported."""
    run = audited_run
    monkeypatch.setitem(sys.modules, "obliviate.audit", None)
    before = tree(tmp_path)
    cases = [(["--gold", run], "the input --gold"),  # the gold model dir would receive report.json
             (["--gold", tmp_path], "the input --gold"),  # a gold dir holding the run
             (["--holdout", run / "report.json"], "the input --holdout")]
    for extra, needle in cases:
        r = cli("audit", run, *extra)
        assert r.code == 2 and needle in r.err and "Traceback" not in r.err, (extra, r.output)
    (run / "report.html").mkdir()  # would fail only after every attack has run
    r = cli("audit", run)
    assert r.code == 2 and "is a directory" in r.err, r.output
    (run / "report.html").rmdir()
    # A run whose recorded original model is the run directory itself (a model dir with a run.json).
    shutil.copytree(tiny_model, tmp_path / "both")
    (tmp_path / "both" / "run.json").write_text(json.dumps({"original": {"path": str(tmp_path / "both")}}))
    r = cli("audit", tmp_path / "both")
    assert r.code == 2 and "the input the original model" in r.err, r.output
    shutil.rmtree(tmp_path / "both")
    assert tree(tmp_path) == before
    with pytest.raises(ImportError):  # a sound run passes the checks and reaches the audit itself
        cli("audit", run, "--gold", tiny_model)


def test_guard_eval_checks_its_outputs_before_evaluating(cli, tmp_path, audited_run, tiny_model, monkeypatch):
    import obliviate.guard.evaluate as guard_eval
    from obliviate.files import directory_hash

    def no_work(*args, **kwargs):
        raise AssertionError("the guard was evaluated before its outputs were checked")

    monkeypatch.setattr(guard_eval, "evaluate_guard", no_work)
    run = audited_run
    (run / "guard.json").mkdir()  # failed with IsADirectoryError after the whole evaluation
    r = cli("guard", "eval", run, "--no-semantic")
    assert r.code == 2 and "RUN/guard.json" in r.err and "is a directory" in r.err, r.output
    (run / "guard.json").rmdir()
    # The original model recorded by run.json is the run dir: guard.json would change its content hash.
    shutil.copytree(tiny_model, tmp_path / "both")
    shutil.copy(run / "forget.jsonl", tmp_path / "both")
    (tmp_path / "both" / "run.json").write_text(json.dumps({"original": {"path": str(tmp_path / "both")}}))
    digest = directory_hash(tmp_path / "both")
    r = cli("guard", "eval", tmp_path / "both", "--no-semantic")
    assert r.code == 2 and "the input the original model" in r.err, r.output
    assert directory_hash(tmp_path / "both") == digest and not (tmp_path / "both" / "guard.json").exists()
    with pytest.raises(AssertionError, match="evaluated before"):  # a sound run reaches the evaluation
        cli("guard", "eval", run, "--no-semantic")


def test_demo_out_is_checked_before_any_model_is_built(cli, tmp_path, tree, monkeypatch):
    home = tmp_path / "home"
    (home / "models" / "original-0").mkdir(parents=True)
    (home / "models" / "original-0" / "config.json").write_text("{}")
    monkeypatch.setenv("OBLIVIATE_HOME", str(home))
    monkeypatch.setitem(sys.modules, "obliviate.demo", None)  # nothing may be built: importing it fails
    a_file = tmp_path / "notes.txt"
    a_file.write_text("mine")
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "report.html").write_text("my own report")  # the demo would overwrite it
    before = tree(tmp_path)
    cases = [(a_file, "is an existing file"), (a_file / "sub", "is a file, so"),
             (home, "the input the model cache"), (home / "models" / "original-0", "the input the model cache"),
             (tmp_path, "the input the model cache"), (mine, "not an earlier demo output")]
    for out, needle in cases:
        r = cli("demo", "--out", out)
        assert r.code == 2 and needle in r.err and "Traceback" not in r.err, (out, r.output)
    assert tree(tmp_path) == before
    earlier = tmp_path / "earlier"
    (earlier / "unlearned").mkdir(parents=True)
    (earlier / "unlearned" / "run.json").write_text("{}")
    for out in (tmp_path / "new", earlier):  # new, or the demo's own earlier output: accepted
        with pytest.raises(ImportError):
            cli("demo", "--out", out)


def test_run_demo_checks_out_before_building_models(tmp_path, monkeypatch):
    import obliviate.demo as demo
    from obliviate.rundir import OutputError

    def no_build(*args, **kwargs):
        raise AssertionError("models were built before --out was checked")

    monkeypatch.setattr(demo, "build_world_models", no_build)
    a_file = tmp_path / "a_file"
    a_file.write_text("x")
    with pytest.raises(OutputError, match="is an existing file"):
        demo.run_demo(out=a_file)


def test_compare_out_is_never_a_file_or_the_model_cache(cli, tmp_path, tree, monkeypatch):
    home = tmp_path / "home"
    (home / "models").mkdir(parents=True)
    monkeypatch.setenv("OBLIVIATE_HOME", str(home))
    monkeypatch.setitem(sys.modules, "obliviate.compare", None)
    a_file = tmp_path / "board"
    a_file.write_text("mine")
    before = tree(tmp_path)
    for out, needle in [(a_file, "is an existing file"), (home / "models", "the input the model cache"),
                        (tmp_path, "the input the model cache")]:
        r = cli("compare", "--methods", "ga", "--out", out)
        assert r.code == 2 and needle in r.err, (out, r.output)
    assert tree(tmp_path) == before
    busy = tmp_path / "busy"
    (busy / "rows").mkdir(parents=True)  # an earlier, interrupted compare: resumed, not refused
    with pytest.raises(ImportError):
        cli("compare", "--methods", "ga", "--out", busy)
