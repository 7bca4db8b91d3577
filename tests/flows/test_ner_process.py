"""The NER worker process dies with the annotate run that spawned it."""

import os
import signal
import subprocess
import sys
import time

from pipeline.config import REPO_ROOT

CHILD = """
import sys, time
sys.path.insert(0, %r)
from pipeline.flows import models
pool = models.ner_pool()
pid = pool.submit(__import__("os").getpid).result()
print(pid, flush=True)
time.sleep(600)
"""


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/status") as fh:
            return not any(line.startswith("State:") and "Z" in line.split()[1] for line in fh)
    except OSError:
        return False


def test_ner_worker_dies_when_its_parent_is_killed():
    parent = subprocess.Popen([sys.executable, "-c", CHILD % str(REPO_ROOT)], stdout=subprocess.PIPE, text=True)
    try:
        worker = int(parent.stdout.readline())
        assert worker != parent.pid and _alive(worker)
        os.kill(parent.pid, signal.SIGKILL)  # no atexit, no pool shutdown
        parent.wait()
        deadline = time.monotonic() + 20
        while _alive(worker) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert not _alive(worker), "NER worker outlived its parent"
    finally:
        if parent.poll() is None:
            parent.kill()


def test_ner_worker_outlives_the_thread_that_spawned_it():
    """The flow's task threads come and go; the worker spawned from one of
    them must serve the next flow run (it was killed with the first thread
    under PR_SET_PDEATHSIG, and every later run got BrokenProcessPool)."""
    import threading

    code = """
import sys, threading, time
sys.path.insert(0, %r)
from pipeline.flows import models
out = {}
t = threading.Thread(target=lambda: out.update(pid=models.ner_pool().submit(__import__("os").getpid).result()))
t.start(); t.join()
time.sleep(1.5)
ents = models.ner_pool().submit(models._ner_job, ["Ambassador Smith met President Putin in Moscow."], [None], [0]).result()
print(out["pid"], models.ner_pool().submit(__import__("os").getpid).result(), sorted(e.label for e in ents[0]))
""" % str(REPO_ROOT)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr[-2000:]
    first, again, labels = out.stdout.split(maxsplit=2)
    assert first == again  # the same worker, alive after its spawning thread ended
    assert "GPE" in labels and "PERSON" in labels


def test_pool_classifies_a_cable_as_this_process_does():
    """``[flow] processes = 2``: a worker's predictions equal this process's,
    to the last bit (the workers run the same models; before the marking-
    token tie fix a spawned process gave other sensitivity scores because a
    feature depended on the string-hash seed)."""
    from pipeline.cables.parse import parse_file
    from pipeline.classify.context import contexts_for
    from pipeline.flows import models, stages

    cables = [parse_file(REPO_ROOT / "corpora" / "drops" / "sample" / name)
              for name in ("07PHNOMPENH1308.txt", "05ANKARA82.txt", "06PARAMARIBO343.txt", "06PHNOMPENH983.txt")]
    texts = stages.paragraph_texts(cables)
    contexts = [c for cable in cables for c in contexts_for(cable)]
    local = models._classify_job(texts, contexts, 8)
    remote = models.worker_pool().submit(models._classify_job, texts, contexts, 64).result(timeout=300)
    assert len(local) == len(texts) > 10
    assert remote == local
    assert {p.sensitivity.label for p in local} >= {"C"}  # real scores, not a fallback


def test_pool_follows_the_models_folder(tmp_path, monkeypatch):
    """Workers read CABLES_MODELS_DIR when spawned: a run under another models
    folder gets workers of its own, whose records name those models."""
    import shutil

    from pipeline.flows import models

    before = models.model_versions()
    for task in ("commitment", "doubt", "sensitivity"):
        shutil.copytree(REPO_ROOT / "models" / task / "v3", tmp_path / task / "v3")
        (tmp_path / task / "DEFAULT").write_text("v3\n")
    monkeypatch.setenv("CABLES_MODELS_DIR", str(tmp_path))
    after = models.model_versions()
    assert models.use_classify_process()
    assert after["commitment"]["version"] == "v3" != before["commitment"]["version"]


def test_stop_workers_ends_them_and_a_later_run_gets_new_ones():
    """``cables annotate`` stops its workers when the flow is done (exit no
    longer waits on their teardown); a later run in the same process spawns new ones."""
    from pipeline.flows import models

    pid = models.worker_pool().submit(os.getpid).result(timeout=300)
    assert _alive(pid)
    models.stop_workers()
    deadline = time.monotonic() + 10
    while _alive(pid) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not _alive(pid)
    again = models.worker_pool().submit(os.getpid).result(timeout=300)
    assert again != pid and _alive(again)
