"""Method options: ``key=value`` parsing and checking against a method's config dataclass.

Light on purpose (no torch): the CLI parses options before its heavy imports, and
:func:`check_options` runs before any model is loaded, so ``-o lr=abc`` or a misspelled
option fails in the first second with the list of valid options, not in the optimizer.
"""

from __future__ import annotations

import ast
import dataclasses
import functools
import json
import math
import types
import typing
from pathlib import Path
from typing import Any

from obliviate.errors import ObliviateError


class OptionError(ObliviateError):
    """A method option is malformed, unknown or of the wrong type."""


def parse_options(options: list[str] | tuple[str, ...]) -> dict[str, Any]:
    """``key=value`` pairs; values parsed as JSON when they can be (numbers, lists, booleans, null).

    ``lr=1e-4`` gives a float, ``epochs=3`` an int, ``name=abc`` the string ``"abc"``.
    The same key twice is an error (the second would silently win otherwise).
    """
    out: dict[str, Any] = {}
    for opt in options:
        if "=" not in opt:
            raise OptionError(f"option {opt!r} must look like key=value (e.g. lr=1e-4)")
        key, value = opt.split("=", 1)
        key = key.strip()
        if not key:
            raise OptionError(f"option {opt!r} has no name before '='; write key=value (e.g. lr=1e-4)")
        if key in out:
            raise OptionError(f"option {key!r} given twice")
        try:
            parsed = json.loads(value, parse_constant=lambda c: float(c))
        except json.JSONDecodeError:
            parsed = value
        out[key] = parsed
    return out


def _hints(config_cls: type) -> dict[str, Any]:
    try:
        return typing.get_type_hints(config_cls)
    except Exception:  # an annotation that names something not importable here
        return {f.name: f.type for f in dataclasses.fields(config_cls)}


_NAMES = {"int": int, "float": float, "str": str, "bool": bool}


def _accepts(tp: Any, value: Any) -> tuple[bool, Any]:
    """Whether ``value`` fits type ``tp``, and the value converted to it (int -> float, list -> tuple)."""
    if isinstance(tp, str):  # an unresolved annotation: check the simple forms, accept the rest
        parts = [p.strip() for p in tp.split("|")]
        if "None" in parts and value is None:
            return True, None
        simple = [_NAMES[p] for p in parts if p in _NAMES]
        if not simple or len(simple) != len([p for p in parts if p != "None"]):
            return True, value
        return _accepts(simple[0] if len(simple) == 1 else typing.Union[tuple(simple)], value)
    if tp is Any:
        return True, value
    origin = typing.get_origin(tp)
    if origin in (typing.Union, types.UnionType):
        args = typing.get_args(tp)
        if value is None:
            return type(None) in args, None
        for arg in args:
            if arg is type(None):
                continue
            ok, converted = _accepts(arg, value)
            if ok:
                return True, converted
        return False, value
    if origin is typing.Literal:
        return value in typing.get_args(tp), value
    if tp is bool:
        return isinstance(value, bool), value
    if tp is int:
        return isinstance(value, int) and not isinstance(value, bool), value
    if tp is float:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            return False, value
        value = float(value)
        return not math.isnan(value), value
    if tp is str:
        return isinstance(value, str), value
    if origin in (list, tuple) or tp in (list, tuple):
        if not isinstance(value, (list, tuple)):
            return False, value
        return True, tuple(value) if (origin or tp) is tuple else list(value)
    if origin is dict or tp is dict:
        return isinstance(value, dict), value
    return True, value  # a type we do not check (callables, tensors): the method validates it


def _type_name(tp: Any) -> str:
    if isinstance(tp, str):
        return tp
    if isinstance(tp, type) and typing.get_origin(tp) is None:
        return tp.__name__
    return str(tp).replace("typing.", "")


def describe_options(config_cls: type) -> str:
    """``name: type = default`` for every settable field, comma-separated."""
    hints = _hints(config_cls)
    parts = []
    for f in dataclasses.fields(config_cls):
        if not f.init:
            continue
        default = f.default if f.default is not dataclasses.MISSING else (
            "..." if f.default_factory is dataclasses.MISSING else f.default_factory())
        parts.append(f"{f.name}: {_type_name(hints.get(f.name, f.type))} = {default!r}")
    return ", ".join(parts)


def check_options(config_cls: type, overrides: dict[str, Any], method: str = "") -> dict[str, Any]:
    """``overrides`` checked by name and type against ``config_cls``; returns them converted.

    Raises :class:`OptionError` listing the valid options (name, type, default).
    """
    fields = {f.name: f for f in dataclasses.fields(config_cls) if f.init}
    who = f"method {method!r}" if method else config_cls.__name__
    unknown = sorted(set(overrides) - set(fields))
    if unknown:
        raise OptionError(f"{who} has no option(s) {unknown}; options: {describe_options(config_cls)}")
    hints = _hints(config_cls)
    out = {}
    for key, value in overrides.items():
        tp = hints.get(key, fields[key].type)
        ok, converted = _accepts(tp, value)
        if not ok and isinstance(value, float) and math.isnan(value):
            raise OptionError(f"option {key}=NaN of {who} must be a finite number; "
                              f"options: {describe_options(config_cls)}")
        if not ok:
            raise OptionError(f"option {key}={value!r} of {who} must be {_type_name(tp)}; "
                              f"options: {describe_options(config_cls)}")
        out[key] = converted
    return out


# ---- the same check before any import of torch: the method configs read from source ----

@dataclasses.dataclass(frozen=True)
class StaticField:
    """One config field as written in a method module: its name, annotation and default
    (the default's source text where it is not a literal, e.g. ``TinyConfig.max_length``)."""

    name: str
    annotation: str
    default: Any
    literal: bool     # whether ``default`` is the evaluated value (else its source text)


def _literal(node: ast.expr | None) -> tuple[Any, bool]:
    if node is None:
        return dataclasses.MISSING, True
    if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "field":
        for kw in node.keywords:
            if kw.arg == "default":
                return _literal(kw.value)
            if kw.arg == "default_factory" and isinstance(kw.value, ast.Lambda):
                return _literal(kw.value.body)
            if kw.arg == "default_factory" and isinstance(kw.value, ast.Name) and kw.value.id in ("list", "dict"):
                return {"list": [], "dict": {}}[kw.value.id], True
        return dataclasses.MISSING, True
    try:
        return ast.literal_eval(node), True
    except ValueError:
        return ast.unparse(node), False


def _no_init(node: ast.expr | None) -> bool:
    return (isinstance(node, ast.Call) and getattr(node.func, "id", "") == "field"
            and any(kw.arg == "init" and isinstance(kw.value, ast.Constant) and kw.value.value is False
                    for kw in node.keywords))


@functools.lru_cache(maxsize=1)
def static_method_configs() -> dict[str, list[StaticField]]:
    """Every registered method's config fields, read from ``obliviate/methods/*.py`` with
    :mod:`ast` (nothing is imported, so no torch): method name -> fields in dataclass order.

    A class decorated ``@register("name", ...)`` names its config with ``Config = X`` (or
    inherits it from a base class); dataclass fields follow Python's rules (a base's fields
    first, an override keeps its place). ``tests/cli/test_options.py`` checks this table
    against the imported registry, field by field, so it cannot drift.
    """
    classes: dict[str, ast.ClassDef] = {}
    for path in sorted((Path(__file__).parent / "methods").glob("*.py")):
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            if isinstance(node, ast.ClassDef):
                classes[node.name] = node

    def bases(cls: ast.ClassDef) -> list[ast.ClassDef]:
        return [classes[b.id] for b in cls.bases if isinstance(b, ast.Name) and b.id in classes]

    def config_of(cls: ast.ClassDef) -> str | None:
        for stmt in cls.body:
            target = (stmt.targets[0] if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1
                      else stmt.target if isinstance(stmt, ast.AnnAssign) else None)
            if isinstance(target, ast.Name) and target.id == "Config" and isinstance(stmt.value, ast.Name):
                return stmt.value.id
        return next((c for c in map(config_of, bases(cls)) if c), None)

    def fields_of(name: str) -> dict[str, StaticField]:
        cls = classes[name]
        out: dict[str, StaticField] = {}
        for base in reversed(bases(cls)):
            out.update(fields_of(base.name))
        for stmt in cls.body:
            if isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name):
                annotation = ast.unparse(stmt.annotation)
                if annotation.startswith(("ClassVar", "typing.ClassVar")) or _no_init(stmt.value):
                    continue
                default, literal = _literal(stmt.value)
                out[stmt.target.id] = StaticField(stmt.target.id, annotation, default, literal)
        return out

    methods: dict[str, list[StaticField]] = {}
    for cls in classes.values():
        for deco in cls.decorator_list:
            if (isinstance(deco, ast.Call) and getattr(deco.func, "id", "") == "register" and deco.args
                    and isinstance(deco.args[0], ast.Constant)):
                config = config_of(cls)
                methods[deco.args[0].value] = list(fields_of(config).values()) if config in classes else []
    return methods


def check_method_options(method: str, overrides: dict[str, Any]) -> None:
    """An unknown method, option name or option type raises :class:`OptionError`, in
    milliseconds: the same names and types :func:`check_options` checks once the method is
    imported, read from source (:func:`static_method_configs`)."""
    table = static_method_configs()
    if method not in table:
        raise OptionError(f"unknown method {method!r}; known methods: {', '.join(sorted(table))}")
    fields = {f.name: f for f in table[method]}
    listing = ", ".join(f"{f.name}: {f.annotation} = {f.default!r}" if f.literal else
                        f"{f.name}: {f.annotation} = {f.default}" for f in fields.values())
    unknown = sorted(set(overrides) - set(fields))
    if unknown:
        raise OptionError(f"method {method!r} has no option(s) {unknown}; options: {listing}")
    for key, value in overrides.items():
        ok, _ = _accepts(fields[key].annotation, value)
        if not ok and isinstance(value, float) and math.isnan(value):
            raise OptionError(f"option {key}=NaN of method {method!r} must be a finite number; options: {listing}")
        if not ok:
            raise OptionError(f"option {key}={value!r} of method {method!r} must be {fields[key].annotation}; "
                              f"options: {listing}")
