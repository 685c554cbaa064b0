"""The method registry: every unlearning method declared once, with its intention.

Importing this module imports its package first (``obliviate/methods/__init__.py``),
which imports every method module: the registry is full whenever it can be read.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import Any, Callable

from obliviate.errors import ObliviateError


class Intention(str, Enum):
    """What a method means to do to the knowledge."""

    REMOVAL = "removal"          # erase it from the weights
    SUPPRESSION = "suppression"  # stop its expression; the weights may still hold it
    EXACT = "exact"              # retrain without the data (provably removed)


@dataclass(frozen=True)
class MethodInfo:
    name: str
    family: str
    intention: Intention
    reference: str
    cls: type

    def to_dict(self) -> dict[str, str]:
        return {"name": self.name, "family": self.family, "intention": self.intention.value,
                "reference": self.reference}


_REGISTRY: dict[str, MethodInfo] = {}


def register(name: str, *, intention: Intention, family: str, reference: str) -> Callable[[type], type]:
    """Class decorator: ``@register("npo", intention=Intention.REMOVAL, ...)``."""

    def wrap(cls: type) -> type:
        if name in _REGISTRY:
            raise ValueError(f"method {name!r} registered twice")
        _REGISTRY[name] = MethodInfo(name, family, intention, reference, cls)
        cls.info = _REGISTRY[name]
        return cls

    return wrap


def get_method(name: str) -> MethodInfo:
    """Look up a method by registry name; the error lists the known names."""
    if name not in _REGISTRY:
        raise ObliviateError(f"unknown method {name!r}; known methods: {', '.join(sorted(_REGISTRY))}")
    return _REGISTRY[name]


def all_methods() -> list[MethodInfo]:
    """Every registered method, in registration order."""
    return list(_REGISTRY.values())


def build_config(info: MethodInfo, overrides: dict[str, Any]) -> Any:
    """The method's config dataclass with ``overrides`` applied; unknown keys are an error."""
    from obliviate.options import check_options  # names and types, listing the valid options

    config_cls = info.cls.Config
    return config_cls(**check_options(config_cls, overrides, info.name))
