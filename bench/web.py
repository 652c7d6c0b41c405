"""Benchmark: the web app's dashboard over 300 generated Maracs, and a document preview.

Targets: the dashboard answers in under 300 ms warm (after its first request, with no file
changed), and the preview of the large example's Operating Protocol in under 1 s. Requests
go through Starlette's test client in this process, so the figures are the app's own time
without a network. Prints cold and warm figures and whether each target is met.

Run: `make bench` or `.venv/bin/python bench/web.py [--count 300] [--repeat 10]`.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))

from reviews import make_maracs  # noqa: E402
from starlette.testclient import TestClient  # noqa: E402

from generator.web.app import create_app  # noqa: E402

DASHBOARD_TARGET = 0.300
PREVIEW_TARGET = 1.0


def timed(client: TestClient, url: str) -> float:
    """Return the seconds one GET of ``url`` takes; fails unless it answers 200."""
    started = time.perf_counter()
    response = client.get(url)
    seconds = time.perf_counter() - started
    if response.status_code != 200:
        raise SystemExit(f"{url} answered {response.status_code}")
    return seconds


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=300, help="Maracs to generate (default 300).")
    parser.add_argument("--repeat", type=int, default=10, help="warm requests to time (default 10).")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="marac-bench-web-") as folder:
        root = Path(folder) / "maracs"
        root.mkdir()
        make_maracs(root, args.count, ["northbridge", "westmere"])
        shutil.copytree(REPO / "local_configs" / "northbridge", root / "northbridge")
        client = TestClient(create_app(root, 8400), base_url="http://127.0.0.1:8400")
        cold = timed(client, "/")
        warm = [timed(client, "/") for _ in range(args.repeat)]
        preview_cold = timed(client, "/m/northbridge/preview/mop") + timed(client, "/m/northbridge/document/mop.html")
        previews = [timed(client, "/m/northbridge/preview/mop") + timed(client, "/m/northbridge/document/mop.html")
                    for _ in range(max(3, args.repeat // 3))]
    dash, preview = statistics.median(warm), statistics.median(previews)
    print(f"dashboard of {args.count + 1} Maracs: cold {cold * 1000:.0f} ms, warm median {dash * 1000:.0f} ms "
          f"(target < {DASHBOARD_TARGET * 1000:.0f} ms): {'met' if dash < DASHBOARD_TARGET else 'NOT met'}")
    print(f"preview of the Northbridge Operating Protocol (page + document): first {preview_cold * 1000:.0f} ms, "
          f"median {preview * 1000:.0f} ms (target < {PREVIEW_TARGET * 1000:.0f} ms): "
          f"{'met' if preview < PREVIEW_TARGET else 'NOT met'}")
    return 0 if dash < DASHBOARD_TARGET and preview < PREVIEW_TARGET else 1


if __name__ == "__main__":
    sys.exit(main())
