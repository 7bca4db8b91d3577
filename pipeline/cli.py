"""The ``cables`` command: one sub-command per user task.

    cables annotate DROP --out FILE      annotate a drop (Prefect flow annotate-drop)
    cables annotate DROP --out-dir DIR   ledger-backed run: only new or changed cables
    cables serve --drop D --out DIR --every 10m   the same on a schedule (Prefect deployment)
    cables status DIR                    the ledger of such a folder
    cables parse PATH... [--out FILE]    parse only, JSON Lines of header + paragraphs
    cables classify --input P --output Q classify {"id","text"} lines
    cables train [--task T] [--labels F...]  retrain the classifiers
    cables bench DROP                    stage and end-to-end throughput
    cables review OUT.jsonl [--labels F] review and correct in the browser
    cables export-labels OUT.jsonl --format jsonl|hf|spacy|labelstudio --to PATH   reviewed labels out
    cables import-labels OUT.jsonl --labelstudio EXPORT.json   a Label Studio export into decisions

Exit status: 0 on success, 1 when the command failed or (with ``--strict``)
when any cable was skipped, 2 on bad usage (argparse's convention).
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from pathlib import Path

import pipeline.env  # noqa: F401  (must run before transformers/prefect import)
from pipeline import __version__
from pipeline.config import REPO_ROOT, load_config

log = logging.getLogger("pipeline.cli")

TASKS = ("commitment", "doubt", "sensitivity")


def _setup_logging(verbosity: int) -> None:
    level = logging.WARNING if verbosity < 0 else logging.INFO if verbosity == 0 else logging.DEBUG
    logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s", stream=sys.stderr)
    # Third-party loggers stay at WARNING unless -vv.
    for noisy in ("prefect", "httpx", "urllib3", "datasets", "transformers", "distributed"):
        logging.getLogger(noisy).setLevel(logging.DEBUG if verbosity > 1 else logging.WARNING)


def _summary_json(summary) -> str:
    return json.dumps(
        {
            "run_id": summary.run_id,
            "output": summary.output,
            "cables_found": summary.cables_found,
            "cables_written": summary.cables_written,
            "skipped": summary.skipped,
            "paragraphs": summary.paragraphs,
            "failed": [{"path": f.path, "reason": f.reason} for f in summary.failures],
            "seconds": summary.seconds,
        }
    )


def _positive_int(text: str) -> int:
    """argparse type: an integer >= 1."""
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be >= 1, got {value}")
    return value


def _workers(given: int | None, runner: str, flow_cfg: dict) -> int:
    """``--workers`` if given; else ``[flow] batches_in_flight`` (thread
    runner) or 2 Dask workers (each loads its own models, ~0.7 GB)."""
    if given is not None:
        return given
    return int(flow_cfg["batches_in_flight"]) if runner == "thread" else 2


def cmd_annotate(args: argparse.Namespace) -> int:
    if not args.drop.is_dir():  # fail before Prefect starts its server
        raise FileNotFoundError(f"{args.drop}: not a folder")
    from pipeline.flows.models import prestart_workers, stop_workers

    flow_cfg = load_config()["flow"]
    runner = args.runner or flow_cfg["runner"]
    if runner == "thread":  # Dask workers run the models themselves
        prestart_workers()
    from pipeline.flows.annotate import annotate_drop
    from pipeline.flows.runners import task_runner

    address = args.address or flow_cfg["address"] or None
    args.workers = _workers(args.workers, runner, flow_cfg)
    flow = annotate_drop.with_options(task_runner=task_runner(runner, address, args.workers))
    try:
        summary = flow(
            str(args.drop),
            out=str(args.out) if args.out else None,
            out_dir=str(args.out_dir) if args.out_dir else None,
            chunk_cables=args.chunk,
            workers=args.workers,
            progress=not args.no_progress,
        )
    finally:  # also when the flow fails: exit need not wait on the workers' teardown
        stop_workers()
    for f in summary.failures:
        log.warning("quarantined: %s: %s", f.path, f.reason)
    print(_summary_json(summary))
    return 1 if (args.strict and summary.failures) else 0


def cmd_serve(args: argparse.Namespace) -> int:
    if not args.drop.is_dir():
        raise FileNotFoundError(f"{args.drop}: not a folder")
    from pipeline.flows.serve import serve_drop

    flow_cfg = load_config()["flow"]
    runner = args.runner or flow_cfg["runner"]

    def serve() -> None:
        serve_drop(args.drop, args.out, every=args.every, cron=args.cron,
                   runner=runner, address=args.address or flow_cfg["address"] or None,
                   workers=_workers(args.workers, runner, flow_cfg))

    from prefect.settings import PREFECT_API_URL, temporary_settings

    try:
        if PREFECT_API_URL.value():
            serve()
            return 0
        # the ephemeral API cannot schedule (pipeline/flows/local_server.py): start a server
        from pipeline.flows.local_server import LocalPrefectServer

        with LocalPrefectServer() as api:
            os.environ["PREFECT_API_URL"] = api  # the flow-run processes inherit it
            with temporary_settings(updates={PREFECT_API_URL: api}):
                serve()
    except KeyboardInterrupt:  # Ctrl-C or SIGTERM (pipeline/flows/serve.py)
        log.info("serve: stopped")
    return 0


def cmd_status(args: argparse.Namespace) -> int:
    from pipeline.store.ledger import LEDGER_FILE, Ledger

    if not (args.out_dir / LEDGER_FILE).exists():
        raise FileNotFoundError(f"{args.out_dir}: no ledger ({LEDGER_FILE}) in this folder")
    with Ledger(args.out_dir) as ledger:
        rows = ledger.entries()
        runs = ledger.runs()
    if args.json:
        print(json.dumps({"runs": runs, "cables": rows}, indent=2))
        return 0
    table = [("status", "cable_id", "output_file", "source_path", "error")]
    table += [(r["status"], r["cable_id"] or "-", r["output_file"] or "-", r["source_path"], r["error"] or "")
              for r in rows]
    widths = [max(len(row[i]) for row in table) for i in range(4)]
    for row in table:
        print("  ".join(cell.ljust(w) for cell, w in zip(row, widths)) + "  " + row[4])
    done = sum(r["status"] == "annotated" for r in rows)
    print(f"{len(runs)} runs; {done} cables annotated, {len(rows) - done} quarantined")
    return 0


def _iter_paths(paths: list[Path]):
    from pipeline.flows.stages import discover

    for p in paths:
        if p.is_dir():
            yield from discover(p)
        else:
            yield p


def cmd_parse(args: argparse.Namespace) -> int:
    from pipeline.cables.errors import CableError
    from pipeline.cables.parse import parse_file

    out = open(args.out, "w", encoding="utf-8") if args.out else sys.stdout
    failed = 0
    try:
        for path in _iter_paths(args.paths):
            try:
                cable = parse_file(path)
            except (CableError, OSError) as err:
                log.error("%s", err)
                failed += 1
                continue
            out.write(json.dumps(cable.to_dict(), ensure_ascii=False) + "\n")
    finally:
        if out is not sys.stdout:
            out.close()
    return 1 if failed and args.strict else 0


def cmd_classify(args: argparse.Namespace) -> int:
    from pipeline.classify.predict import classify_jsonl

    n = classify_jsonl(args.input, args.output, batch_size=args.batch_size)
    log.info("classified %s paragraphs into %s", n, args.output)
    return 0


def cmd_train(args: argparse.Namespace) -> int:
    from pipeline.classify.registry import resolve_models_dir
    from pipeline.flows.retrain import retrain_flow

    tasks = list(TASKS) if "all" in args.task else list(dict.fromkeys(args.task))
    result = retrain_flow(
        tasks=tasks,
        labels=[str(p) for p in args.labels],
        corpus=str(args.corpus),
        models_dir=str(resolve_models_dir(args.models_dir)),
        force=args.force,
    )
    print(json.dumps(result, indent=2, default=str))
    return 0


def cmd_bench(args: argparse.Namespace) -> int:
    from pipeline.bench import run_bench

    if (args.drop is None) == (args.from_corpus is None):
        raise ValueError("give a DROP folder or --from-corpus N")
    report = run_bench(args.drop, limit=args.limit, from_corpus=args.from_corpus)
    print(report.table())
    print(json.dumps(report.summary()))
    return 0


def cmd_corpus_report(args: argparse.Namespace) -> int:
    from pipeline.cables.report import run_report

    report = run_report(args.paths, limit=args.limit)
    print(report.table(show=args.show))
    summary = json.dumps(report.summary(), ensure_ascii=False)
    if args.json:
        args.json.write_text(summary + "\n", encoding="utf-8")
    else:
        print(summary)
    return 0


def _runner_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--workers", type=_positive_int, default=None,
                   help="batches in flight (thread runner; default [flow] batches_in_flight, 4) "
                        "or Dask workers (default 2)")
    p.add_argument("--runner", choices=("thread", "dask"), default=None,
                   help="where tasks run: threads here (default) or a Dask cluster")
    p.add_argument("--address", default=None,
                   help="Dask scheduler address (tcp://host:8786); none starts a local cluster")


def cmd_review(args: argparse.Namespace) -> int:
    """Start the review web app on a local free port and print its URL."""
    if not args.annotated.is_file():
        raise FileNotFoundError(f"{args.annotated}: no such annotated file")
    from pipeline.review.server import serve

    return serve(args.annotated, args.labels, args.reviewer, host=args.host, port=args.port,
                 allow_remote=args.allow_remote, train_labels=args.train_labels, corpus_dir=args.corpus,
                 models_dir=args.models_dir)


def cmd_export_labels(args: argparse.Namespace) -> int:
    """Write the reviewed labels in one of the export formats."""
    from pipeline.review.commands import export_labels

    if not args.annotated.is_file():
        raise FileNotFoundError(f"{args.annotated}: no such annotated file")
    try:
        res = export_labels(args.annotated, args.labels, args.format, args.to, args.reviewer)
    except FileExistsError as err:
        log.error("%s", err)
        return 1
    print(json.dumps(res))
    return 0


def cmd_import_labels(args: argparse.Namespace) -> int:
    """Append a Label Studio export's annotations to the labels file."""
    from pipeline.review.commands import import_labelstudio

    if not args.annotated.is_file():
        raise FileNotFoundError(f"{args.annotated}: no such annotated file")
    print(json.dumps(import_labelstudio(args.annotated, args.labels, args.labelstudio, args.reviewer)))
    return 0


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of the ``cables`` command."""
    p = argparse.ArgumentParser(prog="cables", description="NLP extraction pipeline for diplomatic cables.")
    p.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    p.add_argument("-v", "--verbose", action="count", default=0, help="more log output (-vv for libraries too)")
    p.add_argument("-q", "--quiet", action="store_true", help="warnings and errors only")
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")

    a = sub.add_parser("annotate", help="annotate a drop of cables into JSON Lines (Prefect flow annotate-drop)")
    a.add_argument("drop", type=Path, help="folder of cable files (*.txt, *.html)")
    dest = a.add_mutually_exclusive_group(required=True)
    dest.add_argument("--out", type=Path, help="write every cable to this JSON Lines file (atomically)")
    dest.add_argument(
        "--out-dir", type=Path,
        help="ledger-backed run: only new or changed cables, into OUT_DIR/<UTC time>-<run id>.jsonl",
    )
    a.add_argument("--chunk", type=int, default=None, help="cables per batch (default from configs/pipeline.toml)")
    _runner_args(a)
    a.add_argument("--no-progress", action="store_true", help="hide the progress bar")
    a.add_argument("--strict", action="store_true", help="exit 1 if any cable was quarantined")
    a.set_defaults(func=cmd_annotate)

    sv = sub.add_parser("serve", help="serve annotate-drop on a schedule (Prefect deployment); Ctrl-C stops",
                        description="Serve annotate-drop on a schedule. Without PREFECT_API_URL a local Prefect "
                                    "server is started for the command (the ephemeral API cannot schedule) "
                                    "and stopped with it; Ctrl-C or SIGTERM stops.")
    sv.add_argument("--drop", type=Path, required=True, help="folder where new cables arrive")
    sv.add_argument("--out", type=Path, required=True, help="output folder (ledger + one JSONL file per run)")
    when = sv.add_mutually_exclusive_group(required=True)
    when.add_argument("--every", help="interval between runs: 30s, 10m, 2h, 1d")
    when.add_argument("--cron", help='cron schedule in UTC, e.g. "*/10 * * * *"')
    _runner_args(sv)
    sv.set_defaults(func=cmd_serve)

    st = sub.add_parser("status", help="print the ledger of a ledger-backed output folder")
    st.add_argument("out_dir", type=Path, metavar="OUT_DIR")
    st.add_argument("--json", action="store_true", help="print JSON instead of a table")
    st.set_defaults(func=cmd_status)

    s = sub.add_parser("parse", help="parse cables (no models) and print JSON Lines of header + paragraphs")
    s.add_argument("paths", type=Path, nargs="+", metavar="PATH", help="cable files or folders")
    s.add_argument("--out", "-o", type=Path, default=None, help="write here instead of standard output")
    s.add_argument("--strict", action="store_true", help="exit 1 if any file failed")
    s.set_defaults(func=cmd_parse)

    c = sub.add_parser("classify", help='classify paragraphs given as {"id": ..., "text": ...} lines')
    c.add_argument("--input", "-i", type=Path, required=True, help="input JSON Lines")
    c.add_argument("--output", "-o", type=Path, required=True, help="output JSON Lines")
    c.add_argument("--batch-size", type=int, default=32)
    c.set_defaults(func=cmd_classify)

    t = sub.add_parser(
        "train",
        help="retrain the paragraph classifiers (Prefect flow retrain-classifiers); a new version becomes the "
        "default only if not worse on dev",
    )
    t.add_argument("--task", choices=(*TASKS, "all"), nargs="+", default=["all"],
                   help="task(s) to train (default all); commitment and doubt share one fine-tuned network, "
                        "fitted once when both are named")
    t.add_argument(
        "--labels", type=Path, nargs="+", default=[REPO_ROOT / "corpora" / "labelled" / "paragraphs.jsonl"],
        help="labelled paragraphs (LABELING.md format) and/or review-app labels files (corrections)",
    )
    t.add_argument(
        "--corpus", type=Path, default=REPO_ROOT.parent / "shared" / "corpora" / "cablegate",
        help="cable corpus for the sensitivity task (cables-*.jsonl and splits.json)",
    )
    t.add_argument("--models-dir", type=Path, default=None,
                   help="where versions are written (default: $CABLES_MODELS_DIR, else the repo's models/, "
                        "as annotate reads them)")
    t.add_argument("--force", action="store_true", help="promote the new version even if worse on dev")
    t.set_defaults(func=cmd_train)

    rv = sub.add_parser("review", help="review annotated cables in the browser; decisions go to a labels file")
    rv.add_argument("annotated", type=Path, metavar="OUT.jsonl", help="annotated JSON Lines (cables annotate --out)")
    rv.add_argument("--labels", type=Path, default=REPO_ROOT / "corpora" / "labelled" / "reviewed.jsonl",
                    help="append-only decisions file (default corpora/labelled/reviewed.jsonl)")
    rv.add_argument("--reviewer", default=None, help="reviewer name recorded with each decision (default: login)")
    rv.add_argument("--host", default="127.0.0.1", help="bind address (default 127.0.0.1)")
    rv.add_argument("--port", type=int, default=0, help="port (default 0: a free one)")
    rv.add_argument("--allow-remote", action="store_true",
                    help="allow a non-loopback --host; every request then needs the printed access token")
    rv.add_argument("--train-labels", type=Path, nargs="+", default=None,
                    help="labelled paragraphs the retrain action trains on with the reviews "
                         "(default corpora/labelled/paragraphs.jsonl)")
    rv.add_argument("--corpus", type=Path, default=None, help="cable corpus for retraining sensitivity (as cables train)")
    rv.add_argument("--models-dir", type=Path, default=None,
                    help="models folder the retrain action promotes into (default $CABLES_MODELS_DIR or models/)")
    rv.set_defaults(func=cmd_review)

    review_labels = REPO_ROOT / "corpora" / "labelled" / "reviewed.jsonl"
    ex = sub.add_parser("export-labels", help="export reviewed labels: JSON Lines (LABELING.md), Hugging Face "
                                              "datasets folder, spaCy DocBin, Label Studio tasks")
    ex.add_argument("annotated", type=Path, metavar="OUT.jsonl", help="the annotated file that was reviewed")
    ex.add_argument("--labels", type=Path, default=review_labels, help="decisions file (default %(default)s)")
    ex.add_argument("--format", choices=("jsonl", "hf", "spacy", "labelstudio"), required=True)
    ex.add_argument("--to", type=Path, required=True, help="new file (a folder for hf); never overwritten")
    ex.add_argument("--reviewer", default=None, help="only this reviewer's decisions (default: the latest of anyone)")
    ex.set_defaults(func=cmd_export_labels)

    im = sub.add_parser("import-labels", help="append a Label Studio JSON export's annotations to the decisions file")
    im.add_argument("annotated", type=Path, metavar="OUT.jsonl", help="the annotated file the tasks came from")
    im.add_argument("--labels", type=Path, default=review_labels, help="decisions file (default %(default)s)")
    im.add_argument("--labelstudio", type=Path, required=True, help="Label Studio export (JSON)")
    im.add_argument("--reviewer", default=None, help="record every decision under this name "
                                                     "(default labelstudio:<annotator>)")
    im.set_defaults(func=cmd_import_labels)

    b = sub.add_parser("bench", help="paragraphs/s per stage, end to end and of the bare torch encoder; overhead, memory")
    b.add_argument("drop", type=Path, nargs="?", default=None, help="folder of cable files")
    b.add_argument("--from-corpus", type=int, default=None, metavar="N",
                   help="instead of DROP, the first N cables of the corpus shards, written to a temporary drop")
    b.add_argument("--limit", type=int, default=None, help="use at most this many cables")
    b.set_defaults(func=cmd_bench)

    r = sub.add_parser("corpus-report", help="parse JSONL cable shards and measure the parser against their metadata")
    r.add_argument("paths", type=Path, nargs="+", metavar="PATH", help="JSONL shards or folders of them")
    r.add_argument("--limit", type=int, default=None, help="read at most this many records")
    r.add_argument("--show", type=int, default=10, help="examples printed per kind (0: none)")
    r.add_argument("--json", type=Path, default=None, help="write the JSON summary here instead of standard output")
    r.set_defaults(func=cmd_corpus_report)
    return p


def main(argv: list[str] | None = None) -> int:
    """Entry point of ``cables``; returns the exit status."""
    args = build_parser().parse_args(argv)
    _setup_logging(-1 if args.quiet else args.verbose)
    try:
        return args.func(args)
    except (FileNotFoundError, NotADirectoryError) as err:
        log.error("%s", err)
        return 1
    except BrokenPipeError:  # `cables status DIR | head`: the reader left, not an error
        sys.stderr.close()
        return 0


def run() -> None:
    """Console entry point (``cables``, ``python -m pipeline.cli``): :func:`main`,
    then exit without the interpreter's teardown.

    As at a normal exit, non-daemon threads are waited for first, then every
    exit handler runs (Prefect stops its ephemeral API server, logging
    flushes, multiprocessing reaps its children), and stdout/stderr are
    flushed; what is skipped is only the freeing of every module and object,
    which took ~1.3 s after each ``cables annotate`` (measured on 10 cables;
    issue 8 counts it as overhead).  ``main`` itself returns normally, for
    callers in the same process (tests).
    """
    import atexit
    import threading

    try:
        rc = main()
    except SystemExit as err:  # argparse's --help / usage errors
        rc = err.code if isinstance(err.code, int) else (0 if err.code is None else 2)
        if not isinstance(err.code, (int, type(None))):
            print(err.code, file=sys.stderr)
    for thread in threading.enumerate():  # what the interpreter's own shutdown waits for first
        if thread is not threading.current_thread() and not thread.daemon:
            thread.join()
    atexit._run_exitfuncs()  # noqa: SLF001 - the documented handlers, run now rather than at teardown
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # closed (e.g. a reader of `| head` left)
            pass
    os._exit(rc)


if __name__ == "__main__":
    run()
