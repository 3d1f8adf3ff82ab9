"""pressfree: a terminal-first tracker of press-freedom incidents."""

__version__ = "0.1.0"
