"""obliviate's version (ground floor: any module may import it without importing the package facade)."""

__version__ = "0.1.0"
