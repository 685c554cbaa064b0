"""obliviate: make a language model forget, then prove whether it really forgot."""

from obliviate.errors import ObliviateError
from obliviate.version import __version__


def unlearn(*args, **kwargs):
    """See :func:`obliviate.api.unlearn`."""
    from obliviate.api import unlearn as _unlearn

    return _unlearn(*args, **kwargs)


def evaluate(*args, **kwargs):
    """See :func:`obliviate.api.evaluate`."""
    from obliviate.api import evaluate as _evaluate

    return _evaluate(*args, **kwargs)


__all__ = ["ObliviateError", "__version__", "evaluate", "unlearn"]
