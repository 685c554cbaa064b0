"""CLI command modules. Each module here registers its commands on ``obliviate.cli.app``
when imported; :mod:`obliviate.cli` imports every module of this package."""
