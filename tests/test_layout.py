"""The package layout shows the one-way flow; a test fails on an import that goes against it.

settings -> library -> policy -> document -> render | register -> signing -> build/audit -> web -> cli
(``document.model`` and the small shared modules at the top of the package import nothing of the
project, so everyone may use them.)
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "generator"

# Lower ranks may be imported by higher ones, never the other way round.
RANK = {
    "generator": 0, "generator.errors": 0, "generator.atomic": 0, "generator.dates": 0,
    "generator.resources": 0, "generator.image": 0, "generator.digests": 0, "generator.pydantic_plugins": 0,
    "generator.document.model": 0,
    "generator.settings": 1, "generator.library": 2, "generator.policy": 3, "generator.document": 4,
    "generator.signing.fields": 4,  # the signature fields the PDF writer adds; imports only errors
    "generator.render": 5, "generator.register": 5, "generator.signing": 6,
    "generator.build": 7, "generator.build_cache": 7, "generator.build_schedule": 7, "generator.audit": 7, "generator.web": 8, "generator.cli": 9,
}
# Same rank, still forbidden: writers and the register never import each other.
APART = {("generator.render", "generator.register"), ("generator.register", "generator.render")}


def stage(module: str) -> str:
    """The most specific entry of RANK that ``module`` belongs to."""
    parts = module.split(".")
    for n in range(len(parts), 0, -1):
        candidate = ".".join(parts[:n])
        if candidate in RANK:
            return candidate
    raise AssertionError(f"{module} is in no stage of the layout; add its package to RANK")


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports_of(path: Path) -> set[str]:
    """Every project module ``path`` imports, at any depth of the file (lazy imports too)."""
    module = module_name(path)
    package = module if path.name == "__init__.py" else module.rsplit(".", 1)[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.startswith("generator"))
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            if target.startswith("generator"):
                found.add(target)
                # "from . import cache" imports the module generator.x.cache
                found.update(f"{target}.{a.name}" for a in node.names
                             if (PACKAGE.parent / Path(*f"{target}.{a.name}".split("."))).with_suffix(".py").exists())
    return found


SOURCES = sorted(PACKAGE.rglob("*.py"))


def test_every_module_has_a_stage():
    for path in SOURCES:
        stage(module_name(path))


def violations(module: str, imported: set[str]) -> list[str]:
    """What is wrong with ``module`` importing ``imported``: an empty list when nothing is."""
    here = stage(module)
    wrong = []
    for target in sorted(imported):
        there = stage(target)
        if there == here or there.startswith(here + ".") or here.startswith(there + "."):
            continue
        if RANK[there] > RANK[here]:
            wrong.append(f"{module} imports {target}: against the flow")
        elif (".".join(here.split(".")[:2]), ".".join(there.split(".")[:2])) in APART:
            wrong.append(f"{module} imports {target}: writers and the register stay apart")
    return wrong


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_imports_follow_the_flow(path):
    assert violations(module_name(path), imports_of(path)) == []


def test_every_package_says_what_it_holds_and_may_import():
    for init in PACKAGE.glob("*/__init__.py"):
        doc = ast.get_docstring(ast.parse(init.read_text(encoding="utf-8")))
        assert doc and "import" in doc, f"{init.relative_to(PACKAGE)} lacks a docstring naming what it may import"


@pytest.mark.parametrize("module,imported", [
    ("generator.render.docx", "generator.register.status"),
    ("generator.register.status", "generator.render.pdf"),
    ("generator.register.ledger", "generator.cli.params"),
    ("generator.settings.schema", "generator.policy.rules"),
    ("generator.library.clauses", "generator.document.assemble"),
    ("generator.build", "generator.web"),
])
def test_the_rule_refuses_imports_against_the_flow(module, imported):
    assert violations(module, {imported})


def test_the_rule_allows_the_flow():
    assert violations("generator.render.pdf", {"generator.document.model", "generator.signing.fields"}) == []
    assert violations("generator.cli.build", {"generator.build", "generator.render"}) == []
