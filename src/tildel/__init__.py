"""Tildel: allocation and follow-up of municipal health and care services."""

__version__ = "0.1.0"
