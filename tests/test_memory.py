"""pipeline.memory: the allocator settings that keep long runs flat."""

import json
import os
import subprocess
import sys
import time

import pytest

from pipeline.memory import _glibc, release_free_memory

glibc_only = pytest.mark.skipif(_glibc() is None, reason="glibc allocator controls (Linux only)")


def _rss_kb() -> int:
    with open("/proc/self/status") as fh:
        return next(int(line.split()[1]) for line in fh if line.startswith("VmRSS:"))


@glibc_only
def test_trim_hands_freed_heap_back():
    # 400 x 100 KB blocks stay under glibc's mmap threshold, so they live on
    # the heap; freeing all but the top one leaves ~40 MB that only a trim returns.
    blocks = [bytearray(100_000) for _ in range(400)]
    for b in blocks:
        b[::4096] = b"x" * len(b[::4096])  # touch every page
    keep = blocks[-1]
    del blocks
    before = _rss_kb()
    release_free_memory()
    after = _rss_kb()
    assert keep[0] == ord("x")
    assert before - after > 20_000, (before, after)


@glibc_only
def test_arena_cap_is_set_on_import_unless_the_user_chose_one():
    code = "import pipeline.memory as m; print(m.limit_arenas())"
    env = {k: v for k, v in os.environ.items() if k != "MALLOC_ARENA_MAX"}
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "True"
    env["MALLOC_ARENA_MAX"] = "4"
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"



def test_tree_rss_counts_a_child_apart():
    from pipeline.memory import tree_rss_mb

    child = subprocess.Popen([sys.executable, "-c", "b = bytearray(60_000_000); b[::4096] = b'x' * len(b[::4096]); "
                              "import time; print('ok', flush=True); time.sleep(30)"], stdout=subprocess.PIPE, text=True)
    try:
        assert child.stdout.readline().strip() == "ok"
        own, children = tree_rss_mb(os.getpid())
        assert own > 10 and children > 55  # the child's 60 MB, measured as the child's
    finally:
        child.kill()
        child.wait()


@glibc_only
def test_heap_stats_see_live_objects_and_their_release(tmp_path):
    from pipeline.memory import heap_stats, log_heap

    base = heap_stats()
    if base is None:
        pytest.skip("glibc older than 2.33 has no mallinfo2")
    keep = [bytes(100) * 10 for _ in range(40_000)]  # ~40 MB of small blocks from the malloc heap
    grown = heap_stats()
    assert grown["in_use"] - base["in_use"] > 30, (base, grown)
    del keep
    assert heap_stats()["in_use"] < grown["in_use"] - 30
    log_heap(str(tmp_path / "h.jsonl"), cables=3)
    row = json.loads((tmp_path / "h.jsonl").read_text())
    assert row["cables"] == 3 and row["rss"] > 0 and "in_use" in row


def test_is_running_sees_a_child_until_it_exits():
    from pipeline.memory import descendants, is_running

    assert is_running(os.getpid())
    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        assert is_running(child.pid) and child.pid in descendants(os.getpid())
        child.kill()
        for _ in range(50):  # exited, not yet reaped: a zombie counts as gone
            if not is_running(child.pid):
                break
            time.sleep(0.1)
        assert not is_running(child.pid)
    finally:
        child.kill()
        child.wait()
    assert not is_running(child.pid)
