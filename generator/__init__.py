"""Marac protocol generator: Operating Protocols and Information Sharing Agreements."""

from .pydantic_plugins import refuse_plugins

__version__ = "0.1.0"

refuse_plugins()  # before any module of marac builds a pydantic model
