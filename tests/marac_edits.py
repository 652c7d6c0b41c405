"""Edits to a copied example Marac's settings, shared by tests."""

from __future__ import annotations

from pathlib import Path


def add_first_partner(folder: Path, name: str, signatory: str = "{name: A B, role: C}") -> None:
    """Make ``name`` (type other) the first partner in the Marac folder's marac.yaml."""
    settings = folder / "marac.yaml"
    settings.write_text(settings.read_text(encoding="utf-8").replace(
        "partners:\n", f"partners:\n  - name: {name}\n    type: other\n    signatory: {signatory}\n", 1),
        encoding="utf-8")
