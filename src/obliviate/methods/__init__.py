"""Unlearning methods. Importing this package registers every method.

Modules are imported in the order of the method table (removal, suppression, exact),
which is the order ``obliviate methods`` lists them in.
"""

# isort: off
from obliviate.methods import ga, grad_diff, ga_kl, wga, npo, simnpo, rmu, task_vector, rome  # noqa: F401
from obliviate.methods import idk, dpo, steering, icul, retrain, sisa  # noqa: F401
# isort: on
from obliviate.methods.registry import Intention, MethodInfo, all_methods, get_method, register

__all__ = ["Intention", "MethodInfo", "all_methods", "get_method", "register"]
