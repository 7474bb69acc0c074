"""The diplomatic readouts database."""

__version__ = "0.1.0"
