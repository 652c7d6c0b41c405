"""Helper of bench/build.py: what WeasyPrint alone needs to make one Marac's three PDFs.

Run: `python bench/pdf_floor.py MARAC_DIR`; prints JSON, seconds of wall time:
`{"imports": 0.5, "pdf": {"mop": 3.1, "isa": 2.4, "annex": 1.7}}`. "imports" is loading what
rendering needs (marac's writer with WeasyPrint and pikepdf), which any cold build does before
its first PDF. Then, after one render of the annex that is not counted (so no first render's
start-up is), each document is assembled (not timed) and rendered to PDF bytes, signature
fields included (timed). Nothing is written to disk: this is the part of `marac build` no
schedule can avoid.
"""

from __future__ import annotations

import importlib
import json
import sys
import time
from pathlib import Path

KINDS = ("mop", "isa", "annex")


def main() -> None:
    started = time.perf_counter()
    render = importlib.import_module("generator.render.pdf").render
    imports = time.perf_counter() - started
    from generator.document.assemble import assemble
    from generator.library.clauses import load_library
    from generator.settings.loader import load_settings

    loaded = load_settings(Path(sys.argv[1]) / "marac.yaml")
    library = load_library()
    documents = {kind: assemble(loaded, library, kind) for kind in KINDS}
    render(documents["annex"])
    seconds = {}
    for kind in KINDS:
        started = time.perf_counter()
        render(documents[kind])
        seconds[kind] = round(time.perf_counter() - started, 3)
    print(json.dumps({"imports": round(imports, 3), "pdf": seconds}))


if __name__ == "__main__":
    main()
