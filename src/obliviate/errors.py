"""Project exceptions. The CLI prints these without a traceback."""

from __future__ import annotations


class ObliviateError(Exception):
    """Base class: every error a user can fix by changing input or options."""


class DataFormatError(ObliviateError):
    """A data file is malformed or misses a field (the message names file, line and field)."""


class EmptySplitError(ObliviateError):
    """A split that must hold items (e.g. the forget set) is empty."""


class ModelLoadError(ObliviateError):
    """A model directory does not exist or cannot be loaded safely."""


class TrainingDivergedError(ObliviateError):
    """The loss became NaN or infinite; nothing was written."""


class RunNotFoundError(ObliviateError):
    """A run directory or one of its files is missing."""
