"""``cables review``: a local web app to review annotated cables and record
corrections as append-only labels.

Modules, one job each:

    corpus     load an annotated JSONL file into an in-memory index
    scoring    uncertainty, low confidence and sensitivity mismatch per paragraph
    filters    the cable list's filters and per-cable counts
    decisions  the append-only labels file (write with fsync, read back)
    agreement  Cohen's kappa per label between two reviewers
    security   per-run token and same-origin check for writes
    app        the FastAPI application (pages + JSON API)
    server     pick a free port, print the URL, run uvicorn
"""
