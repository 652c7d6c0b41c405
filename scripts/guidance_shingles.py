"""Write the hashed 10-word runs of the guidance, for the test that our clauses are our own words.

Run by a maintainer who has the guidance's text: ``python scripts/guidance_shingles.py GUIDANCE.txt``.
The output (``tests/data/guidance-shingles.txt``) holds one truncated SHA-256 per run of ten words,
so the test can tell copying without the repository holding, or reading, the guidance itself.
"""

from __future__ import annotations

import hashlib
import re
import sys
from pathlib import Path

OUT = Path(__file__).resolve().parents[1] / "tests" / "data" / "guidance-shingles.txt"


def shingle_hash(words: list[str]) -> str:
    """Return the first 16 hex digits of the SHA-256 of ten words joined by spaces."""
    return hashlib.sha256(" ".join(words).encode()).hexdigest()[:16]


def main(path: str) -> None:
    words = re.findall(r"[a-z0-9]+", Path(path).read_text(encoding="utf-8").lower())
    hashes = sorted({shingle_hash(words[i:i + 10]) for i in range(len(words) - 9)})
    OUT.write_text("".join(h + "\n" for h in hashes), encoding="ascii")
    print(f"{len(hashes)} runs written to {OUT}")


if __name__ == "__main__":
    main(sys.argv[1])
