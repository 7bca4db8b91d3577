"""Memory soak: annotate N real cables in one ledger-backed run and sample
the run's resident memory as it goes, to show it stays flat.

``python -m pipeline.soak --cables 2000`` builds a drop of N cables from the
corpus shards (``cables-*.jsonl``, streamed; cables are reused with a suffix
when N exceeds the corpus), runs ``cables annotate DROP --out-dir`` in a
subprocess, samples the resident memory of that process and its children
every 2 s, and prints RSS at each tenth of the run plus the peak, then a last
line of JSON.
"""

from __future__ import annotations

import argparse
import glob
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from pipeline.config import REPO_ROOT
from pipeline.memory import tree_rss_mb


def build_drop(shards: str, n: int, drop: Path) -> int:
    """Write ``n`` cables from the shards into ``drop`` as ``<id>.txt``."""
    written = 0
    files = sorted(glob.glob(shards))
    rnd = 0
    while written < n and files:
        for f in files:
            with open(f, encoding="utf-8") as fh:
                for line in fh:
                    rec = json.loads(line)
                    name = rec["id"] + (f"-{rnd}" if rnd else "")
                    text = rec["raw"] + (f"\n\n{rnd}\n" if rnd else "")  # new bytes per round
                    (drop / f"{name}.txt").write_text(text, encoding="utf-8")
                    written += 1
                    if written >= n:
                        return written
        rnd += 1
    return written


def heap_windows(rows: list[dict], n: int, parts: int = 5) -> list[dict]:
    """The annotate process's own per-chunk probe (``CABLES_HEAP_LOG``:
    RSS, glibc heap in use / free / mmapped, spaCy strings, ruler cache)
    summed up per fifth of the run: the median of each figure in the window.
    In-use heap that climbs means objects kept alive; free heap that climbs
    with in-use flat means fragmentation."""
    out = []
    for k in range(parts):
        lo, hi = n * k / parts, n * (k + 1) / parts
        win = [r for r in rows if lo < r.get("cables", 0) <= hi]
        if not win:
            continue
        row = {"cables": f"{int(lo)}-{int(hi)}"}
        for key in ("rss", "in_use", "free", "mmapped", "spacy_strings", "ruler_regex_hits"):
            vals = sorted(r[key] for r in win if key in r)
            if vals:
                row[key] = vals[len(vals) // 2]
        out.append(row)
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m pipeline.soak", description=__doc__.split("\n\n")[0])
    ap.add_argument("--cables", type=int, default=2000)
    ap.add_argument("--shards", default=str(REPO_ROOT.parent / "shared/corpora/cablegate/cables-*.jsonl"))
    ap.add_argument("--samples", type=Path, help="also write every sample (seconds, cables, MB) as JSON here")
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        drop, out = Path(tmp) / "drop", Path(tmp) / "out"
        drop.mkdir()
        n = build_drop(args.shards, args.cables, drop)
        t0 = time.perf_counter()
        heap_log = Path(tmp) / "heap.jsonl"
        env = dict(os.environ, CABLES_HEAP_LOG=str(heap_log))
        proc = subprocess.Popen([sys.executable, "-m", "pipeline.cli", "-q", "annotate", str(drop), "--out-dir",
                                 str(out), "--no-progress"], stdout=subprocess.PIPE, text=True, env=env)
        samples: list[tuple[float, int, float, float]] = []  # (seconds, cables written, rss main, rss children)
        marks = [round(n * k / 10) for k in range(1, 11)]
        print(f"{'cables done':>12}{'seconds':>10}{'main MB':>10}{'children MB':>12}", flush=True)
        while proc.poll() is None:
            parts = list(out.glob(".*.part")) if out.exists() else []
            done = sum(1 for _ in open(parts[0], encoding="utf-8")) if parts else 0
            samples.append((time.perf_counter() - t0, done, *tree_rss_mb(proc.pid)))
            while marks and done >= marks[0]:  # print as it goes: a long soak shows progress
                marks.pop(0)
                print(f"{done:>12}{samples[-1][0]:>10.0f}{samples[-1][2]:>10.0f}{samples[-1][3]:>12.0f}", flush=True)
            time.sleep(2)
        summary = json.loads(proc.stdout.read().strip().splitlines()[-1])
        heap = [json.loads(x) for x in heap_log.read_text().splitlines()] if heap_log.exists() else []
    peak = max(s[2] + s[3] for s in samples)
    mid = [s for s in samples if n * 0.1 <= s[1] <= n * 0.9]
    report = {"cables": n, "written": summary["cables_written"], "paragraphs": summary["paragraphs"],
              "seconds": round(time.perf_counter() - t0, 1), "peak_rss_mb": round(peak),
              "peak_main_rss_mb": round(max(s[2] for s in samples)),
              "main_rss_at_10pct_mb": round(mid[0][2]) if mid else None,
              "main_rss_at_90pct_mb": round(mid[-1][2]) if mid else None,
              "children_rss_at_10pct_mb": round(mid[0][3]) if mid else None,
              "children_rss_at_90pct_mb": round(mid[-1][3]) if mid else None}
    report["heap_windows"] = heap_windows(heap, n)
    for w in report["heap_windows"]:
        print("  " + "  ".join(f"{k} {v}" for k, v in w.items()), flush=True)
    if args.samples:
        args.samples.write_text(json.dumps([dict(zip(("s", "cables", "main_mb", "children_mb"), x)) for x in samples]))
    print(json.dumps(report))
    return 0


if __name__ == "__main__":
    sys.exit(main())
