"""Unlearning methods. Importing this package registers every method."""

from obliviate.methods import ga, grad_diff, npo  # noqa: F401
from obliviate.methods.registry import Intention, MethodInfo, all_methods, get_method, register

__all__ = ["Intention", "MethodInfo", "all_methods", "get_method", "register"]
