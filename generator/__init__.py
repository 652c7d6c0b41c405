"""Marac protocol generator: Operating Protocols and Information Sharing Agreements."""

__version__ = "0.1.0"
