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
