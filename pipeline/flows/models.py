"""The models the annotate-drop tasks use, loaded once per process.

Tasks reach them through this module (never through globals of the flow
module) so that a task shipped to a Dask worker pickles by reference and
loads its own copy there.

Throughput settings live here (issue 8, measured in the README's
Performance section):

- ``[classify] runtime``: ``"onnx"`` runs the encoder in onnxruntime
  (:class:`pipeline.classify.onnx_encoder.OnnxEncoder`, built by the recipe
  named in ``[classify] recipe``, int8 weights by default); ``"torch"`` is
  the unoptimised path.  If the onnx model cannot be built or loaded, the
  torch encoder is used and a warning says why.  The commitment and doubt
  heads record the runtime whose vectors they were trained on; the
  classifier warns when it runs them on another one
  (:func:`pipeline.classify.runtime.check_runtime`).
- ``[classify] recheck_margin``: paragraphs whose onnx score lies this close
  to a threshold are encoded again by torch (:mod:`pipeline.classify.onnx_classifier`),
  so heads trained on torch vectors (the shipped defaults) give torch's
  labels; it re-encodes a quarter to a third of the paragraphs.  0 keeps the
  onnx labels: right for heads trained on the onnx vectors (commitment/doubt
  v4, not the default: they missed the 0.005 F1 bar on dev, README), a
  runtime warning for the others.
- ``[flow] processes``: how many spawned worker processes run the models.
  0: NER and classification in this process (threads); 1: NER in one worker
  (its own copy of the spaCy pipeline) while classification runs here, so
  that the two compute on different cores without sharing one interpreter
  lock (the older ``[flow] ner_process = true``); 2 or more (default 2):
  both kinds of job, NER and classification of a chunk, go to a pool of that
  many workers, each holding both models, and whichever worker is free takes
  the next job, so both cores stay busy whatever the ratio of NER to
  classification cost (with one NER worker, the core classifying was the
  bottleneck and the NER core idled a third of the time: README,
  Performance).  Not used inside daemonic processes (Dask workers), which
  may not have children.
"""

from __future__ import annotations

import atexit
import logging
import multiprocessing
import os
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from functools import lru_cache

from typing import TYPE_CHECKING

from pipeline.config import load_config
from pipeline.records import Entity

if TYPE_CHECKING:  # torch and spaCy load only where a model runs: with worker
    # processes the flow process never imports them (~1.6 s, ~300 MB)
    from spacy.language import Language

    from pipeline.classify.encoder import Encoder
    from pipeline.classify.onnx_classifier import RecheckClassifier
    from pipeline.classify.predict import ParagraphClassifier

log = logging.getLogger(__name__)

# One model object per process, used by one thread at a time: spaCy and
# torch objects are not documented as safe for concurrent calls.
NER_LOCK = threading.Lock()
CLASSIFY_LOCK = threading.Lock()


def shared_nlp() -> "Language":
    """:func:`pipeline.nlp.build.shared_nlp` (imported on first use)."""
    from pipeline.nlp.build import shared_nlp as load

    return load()


def make_encoder(runtime: str | None = None, num_threads: int | None = None, recipe: str | None = None) -> Encoder:
    """The encoder named by ``runtime`` (default ``[classify] runtime``).

    ``"onnx"``: :class:`~pipeline.classify.onnx_encoder.OnnxEncoder` built by
    ``recipe`` (default ``[classify] recipe``), falling back to torch with a
    warning when onnxruntime or the build fails; ``"torch"``:
    :class:`~pipeline.classify.encoder.Encoder`.  ``num_threads`` defaults to
    ``[classify] threads``.  Raises ``ValueError`` for another runtime name or
    an unknown recipe.
    """
    from pipeline.classify.encoder import Encoder

    cfg = load_config()["classify"]
    runtime = runtime or str(cfg.get("runtime", "onnx"))
    threads = int(num_threads or cfg.get("threads", 2))
    if runtime == "onnx":
        from pipeline.classify.onnx_encoder import get_recipe

        name = get_recipe(recipe or cfg.get("recipe")).name  # a typo in the config is an error, not a fallback
        try:
            from pipeline.classify.onnx_encoder import OnnxEncoder

            return OnnxEncoder(num_threads=threads, recipe=name)
        except Exception as err:  # any build/load failure: torch still runs (the heads' runtime check warns)
            log.warning("onnx encoder unavailable (%s); using the torch encoder", err)
            return Encoder(num_threads=threads)
    if runtime == "torch":
        return Encoder(num_threads=threads)
    raise ValueError(f"unknown encoder runtime {runtime!r}; expected 'onnx' or 'torch'")


@lru_cache(maxsize=1)
def shared_classifier() -> ParagraphClassifier | RecheckClassifier:
    """The process-wide classifier on the configured encoder (loads once, ~2 s).

    With the onnx runtime and ``[classify] recheck_margin`` > 0 (default
    0.13), a :class:`~pipeline.classify.onnx_classifier.RecheckClassifier`:
    onnx for every paragraph, the torch encoder again for those near a
    threshold, for heads trained on torch vectors.  With margin 0, the onnx
    encoder alone (for heads trained on its vectors, e.g.
    :mod:`pipeline.classify.train_runtime`; other heads log a runtime
    warning).  When no default head reads the shared paragraph vector (the
    tuned commitment/doubt heads, default since v5, run their own network),
    the plain classifier: no onnx encoder is built and nothing re-checked.
    """
    from pipeline.classify.onnx_classifier import DEFAULT_MARGIN, RecheckClassifier
    from pipeline.classify.predict import ParagraphClassifier

    cfg = load_config()["classify"]
    plain = ParagraphClassifier.load()
    if not plain.needs_embedding:
        # tuned commitment/doubt heads run their own network and sensitivity
        # reads none: no shared encoder to build, nothing to re-check
        return plain
    enc = make_encoder()
    enc.show_progress = False  # the flow shows one bar per cable instead
    margin = float(cfg.get("recheck_margin", DEFAULT_MARGIN))
    recheck = getattr(enc, "runtime", "torch") != "torch" and margin > 0
    if recheck:
        enc.recheck_runtime = "torch"  # torch-trained heads get torch's labels back (runtime check passes)
    clf = ParagraphClassifier.load(encoder=enc)
    if not recheck:
        return clf
    exact = make_encoder("torch")
    exact.show_progress = False
    return RecheckClassifier(clf, exact, margin)


def model_versions(local: bool = False) -> dict[str, dict[str, str]]:
    """Name and version of every model a record depends on (provenance);
    the encoder also names its ``runtime`` (``torch`` or ``onnxruntime-int8``),
    the commitment and doubt heads the runtime they were trained on
    (``trained_on``).  Asked of a worker when the pool classifies (the models
    are not loaded in this process then), unless ``local``."""
    if not local and use_classify_process():
        return worker_pool().submit(_versions_job).result()
    from pipeline.classify.onnx_classifier import RecheckClassifier
    from pipeline.classify.runtime import head_runtime

    nlp = shared_nlp()
    versions = {
        "spacy": {
            "name": f"{nlp.meta.get('lang', 'en')}_{nlp.meta.get('name', '?')}",
            "version": str(nlp.meta.get("version", "?")),
        }
    }
    clf = shared_classifier()
    versions.update(clf.versions())
    versions["encoder"]["runtime"] = str(getattr(clf.encoder, "runtime", "torch"))
    for task in ("commitment", "doubt"):  # the runtime whose vectors each head was trained on
        versions[task]["trained_on"] = head_runtime(clf.heads[task])
    if isinstance(clf, RecheckClassifier):
        versions["encoder"]["recheck"] = f"torch within {clf.margin} of a threshold"
    return versions


def cache_sizes() -> dict[str, int]:
    """Sizes of what grows with the text seen in this process: spaCy's string
    store and the cable ruler's remembered regex hits (bounded,
    :attr:`pipeline.nlp.ruler.TokenTrie.MAX_CACHE`).  For the memory soak."""
    nlp = shared_nlp()
    out = {"spacy_strings": len(nlp.vocab.strings)}
    if "cable_ruler" in nlp.pipe_names:
        trie = getattr(nlp.get_pipe("cable_ruler"), "trie", None)
        out["ruler_regex_hits"] = len(getattr(trie, "_hits", {}))
    return out


# -- model worker processes (NER, and classification with processes >= 2) -----

_POOL: ProcessPoolExecutor | None = None
_POOL_KEY: tuple | None = None
_POOL_LOCK = threading.Lock()


def _die_with_parent(poll_s: float = 0.5) -> None:
    """Exit this worker when its parent process dies: a ``kill -9`` of the
    annotate run must not leave an idle spaCy process holding ~350 MB behind.

    A daemon thread polls ``os.getppid()`` every ``poll_s`` seconds.  Not
    ``prctl(PR_SET_PDEATHSIG)``: Linux sends that signal when the parent
    *thread* that spawned the worker exits, and the pool spawns its worker
    from whichever Prefect task thread first submits, so the worker was
    killed after the first flow run and the pool broke for every later run
    (``BrokenProcessPool`` in ``cables serve`` and in the test suite)."""
    parent = os.getppid()
    if parent == 1:  # the parent died before we got here
        os._exit(1)

    def watch() -> None:
        while True:
            time.sleep(poll_s)
            if os.getppid() != parent:
                os._exit(1)

    threading.Thread(target=watch, name="die-with-parent", daemon=True).start()


def _warm_up(classify: bool = False) -> None:
    """Worker initialiser: die with the parent, load the spaCy pipeline (and,
    when the pool also classifies, the classifier) before the first job."""
    _die_with_parent()
    import pipeline.env  # noqa: F401

    shared_nlp()
    if classify:
        shared_classifier()


def _ner_job(
    texts: list[str], years: list[str | None], groups: list[int], refs: list[dict[str, str]] | None = None
) -> list[list[Entity]]:
    from pipeline.nlp.entities import extract_entities

    return extract_entities(shared_nlp(), texts, years=years, cables=groups, references=refs)


def _classify_job(texts: list[str], contexts: list, batch_size: int) -> list:
    return shared_classifier().predict(texts, contexts=contexts, batch_size=batch_size)


def model_processes() -> int:
    """Worker processes for the models (``[flow] processes``; see the module
    docstring): 0 in a daemonic process (a Dask worker may not have children).
    Without ``processes``, the older ``ner_process`` key: true = 1, false = 0."""
    if multiprocessing.current_process().daemon:
        return 0
    cfg = load_config()["flow"]
    n = cfg.get("processes")
    if n is None:
        n = 1 if cfg.get("ner_process", True) else 0
    if int(n) < 0:
        raise ValueError(f"[flow] processes must be >= 0, got {n}")
    return int(n)


def use_ner_process() -> bool:
    """Whether NER goes to a worker process (:func:`model_processes` >= 1)."""
    return model_processes() >= 1


def use_classify_process() -> bool:
    """Whether classification goes to the worker pool too (:func:`model_processes` >= 2)."""
    return model_processes() >= 2


def worker_pool() -> ProcessPoolExecutor:
    """The pool of model worker processes (spawned on first use, shut down at
    exit): :func:`model_processes` workers (at least one).

    Spawned, not forked: this process may already run onnxruntime or torch
    thread pools, which do not survive a fork.
    """
    global _POOL, _POOL_KEY
    n = max(1, model_processes())
    # workers read the environment once, when spawned: a run under another
    # models folder or config (CABLES_MODELS_DIR, CABLES_CONFIG ...) gets new ones
    key = (n, tuple(sorted((k, v) for k, v in os.environ.items() if k.startswith("CABLES_"))))
    with _POOL_LOCK:
        if _POOL is not None and _POOL_KEY != key:
            log.info("model workers: settings changed; starting new ones")
            _POOL.shutdown(wait=False, cancel_futures=True)
            _POOL = None
        if _POOL is None:
            _POOL = ProcessPoolExecutor(max_workers=n, mp_context=multiprocessing.get_context("spawn"),
                                        initializer=_warm_up, initargs=(n >= 2,))
            _POOL_KEY = key
            atexit.register(_POOL.shutdown, wait=False, cancel_futures=True)
        return _POOL


def prestart_workers() -> int:
    """Spawn the model workers now, without waiting: they load their models
    (~7 s) while this process imports Prefect and starts its server (~4-9 s)
    instead of after.  Returns how many were asked for (0 when the models run
    in this process)."""
    n = model_processes()
    if n:
        pool = worker_pool()
        for _ in range(n):  # one job per worker: a busy (warming) worker makes the pool spawn the next
            pool.submit(os.getpid)
    return n


def stop_workers() -> None:
    """Stop the model workers now (end of a CLI run, every result received).

    They are terminated rather than asked to finish: a worker that returns
    tears down its onnxruntime and torch state, and the interpreter's exit
    waited ~1.5-2 s on that after every ``cables annotate``.  Nothing of theirs
    is lost: outputs are written by this process."""
    global _POOL, _POOL_KEY
    with _POOL_LOCK:
        pool, _POOL, _POOL_KEY = _POOL, None, None
    if pool is None:
        return
    procs = list(getattr(pool, "_processes", {}).values())  # no public handle on the workers
    for proc in procs:
        proc.terminate()
    pool.shutdown(wait=True, cancel_futures=True)


#: The name the NER-only pool had (tests and callers of the one-worker setup).
ner_pool = worker_pool


def run_ner(
    texts: list[str], years: list[str | None], groups: list[int], refs: list[dict[str, str]] | None = None
) -> list[list[Entity]]:
    """:func:`pipeline.nlp.entities.extract_entities` on the shared pipeline,
    in the NER process when :func:`use_ner_process`, else here under
    :data:`NER_LOCK`.  Same arguments and result either way."""
    if use_ner_process():
        return worker_pool().submit(_ner_job, texts, years, groups, refs).result()
    with NER_LOCK:
        return _ner_job(texts, years, groups, refs)


def run_classify(texts: list[str], contexts: list, batch_size: int) -> list:
    """``shared_classifier().predict(texts, contexts=..., batch_size=...)``:
    one :class:`pipeline.records.ParagraphPredictions` per text, in the worker
    pool when :func:`use_classify_process`, else here under :data:`CLASSIFY_LOCK`.
    Same result either way (the classifier is batch- and process-independent)."""
    if use_classify_process():
        return worker_pool().submit(_classify_job, texts, contexts, batch_size).result()
    with CLASSIFY_LOCK:
        return _classify_job(texts, contexts, batch_size)


def _versions_job() -> dict[str, dict[str, str]]:
    return model_versions(local=True)
