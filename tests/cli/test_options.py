"""Method options are checked by name and type against the method's config before any model loads."""

from __future__ import annotations

import pytest


@pytest.fixture
def no_model_load(monkeypatch):
    import obliviate.api as api
    import obliviate.models.load as load

    def refuse(*args, **kwargs):
        raise AssertionError("the model was loaded before the options were checked")

    monkeypatch.setattr(load, "load_model", refuse)
    monkeypatch.setattr(api, "load_model", refuse, raising=False)


@pytest.mark.parametrize("option, needle", [
    ("lr=abc", "option lr='abc' of method 'npo' must be float"),
    ("epochs=2.5", "option epochs=2.5 of method 'npo' must be int"),
    ("epochs=true", "option epochs=True of method 'npo' must be int"),
    ("lr=NaN", "option lr=NaN of method 'npo' must be a finite number"),
    ("learning_rate=1e-4", "method 'npo' has no option(s) ['learning_rate']"),
])
def test_bad_option_is_a_clear_error_before_the_model_loads(cli, tmp_path, tiny_model, data_files,
                                                            no_model_load, option, needle):
    forget, retain = data_files
    r = cli("unlearn", "--model", tiny_model, "--forget", forget, "--out", tmp_path / "o", "-o", option)
    assert r.code == 2, r.output
    assert needle in r.err and "Traceback" not in r.err
    assert "lr: float = " in r.err and "epochs: int = " in r.err  # the valid options, with types
    assert not (tmp_path / "o").exists()


def test_options_are_converted_to_the_config_types():
    from obliviate.methods.registry import build_config, get_method
    from obliviate.options import parse_options

    cfg = build_config(get_method("npo"), parse_options(["lr=1", "epochs=3"]))
    assert cfg.lr == 1.0 and isinstance(cfg.lr, float) and cfg.epochs == 3
    with pytest.raises(Exception, match="given twice"):
        parse_options(["lr=1", "lr=2"])


def test_the_options_read_from_source_are_the_registry_s_config_fields():
    """check_method_options (no torch) reads the configs with ast; it must agree with the
    imported dataclasses, field by field, for every registered method."""
    import dataclasses

    from obliviate.methods import all_methods
    from obliviate.options import static_method_configs

    table = static_method_configs()
    assert sorted(table) == sorted(m.name for m in all_methods())
    for info in all_methods():
        fields = [f for f in dataclasses.fields(info.cls.Config) if f.init]
        static = table[info.name]
        assert [f.name for f in static] == [f.name for f in fields], info.name
        for s, f in zip(static, fields):
            assert s.annotation == f.type, (info.name, f.name)
            default = f.default if f.default is not dataclasses.MISSING else f.default_factory()
            assert s.default == default if s.literal else isinstance(s.default, str), (info.name, f.name)


@pytest.mark.parametrize("argv, needle", [
    (["-o", "lr=abc"], "option lr='abc' of method 'npo' must be float"),
    (["-o", "learning_rate=1e-4"], "method 'npo' has no option(s) ['learning_rate']"),
    (["--method", "npoo"], "unknown method 'npoo'; known methods: "),
    (["--method", "retrain", "-o", "epochs=x"], "option epochs='x' of method 'retrain' must be int"),
])
def test_option_errors_come_before_torch_is_imported(tmp_path, tiny_model, data_files, argv, needle):
    import subprocess
    import sys

    forget, _ = data_files
    code = ("import sys\nfrom obliviate.cli import main\ntry:\n    main()\nexcept SystemExit as e:\n"
            "    print('exit', e.code, 'torch' in sys.modules)\n")
    args = ["unlearn", "--model", str(tiny_model), "--forget", str(forget), "--out", str(tmp_path / "o"), *argv]
    r = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, timeout=120)
    assert needle in r.stderr, r.stderr
    assert r.stdout.split() == ["exit", "2", "False"], (r.stdout, r.stderr)


@pytest.mark.parametrize("argv", [["demo", "--method", "npoo"], ["compare", "--methods", "npo,npoo"]])
def test_an_unknown_method_fails_before_any_model_is_built(cli, tmp_path, no_model_load, argv):
    r = cli(*argv, "--out", tmp_path / "o")
    assert r.code == 2 and "unknown method 'npoo'; known methods: " in r.err, r.output
    assert not (tmp_path / "o").exists()
