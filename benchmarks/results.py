"""Where each benchmark script leaves its ratios for `benchmarks/run.py` to gather.

A script calls `record(...)` for each figure it prints; when run.py runs it, the environment
names a file and each figure is appended to it as one JSON line. Run alone, nothing is kept.
"""

from __future__ import annotations

import json
import os

RESULTS = "PRESSFREE_BENCH_RESULTS"
# What timed commands run with: Python writing its bytecode, as on a user's machine (this
# machine sets PYTHONDONTWRITEBYTECODE, and then every run compiles pressfree's modules).
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def record(benchmark: str, measure: str, ratio: float, target: float, against: str) -> str:
    """Keep one figure (the ratio and its target, and what it is measured against); returns
    the verdict a script prints beside it."""
    verdict = "ok" if ratio <= target else "MISSED"
    path = os.environ.get(RESULTS)
    if path:
        with open(path, "a", encoding="utf-8") as handle:
            handle.write(
                json.dumps(
                    {
                        "benchmark": benchmark,
                        "measure": measure,
                        "ratio": round(ratio, 3),
                        "target": target,
                        "against": against,
                        "verdict": verdict,
                    }
                )
                + "\n"
            )
    return verdict
