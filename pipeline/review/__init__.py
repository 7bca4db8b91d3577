"""``cables review``: a local web app to review annotated cables and record
corrections as append-only labels.

Modules, one job each:

    corpus     load an annotated JSONL file into an in-memory index
    scoring    uncertainty, low confidence and sensitivity mismatch per paragraph
    filters    the cable list's filters and per-cable counts
    decisions  the append-only labels file (write with fsync, read back)
    agreement  Cohen's kappa per label between two reviewers
    security   per-run token and same-origin check for writes
    reviewed   reviewed paragraphs as LABELING.md rows (latest decision per label)
    exports    those rows as JSON Lines, a datasets folder, a spaCy DocBin
    labelstudio  Label Studio tasks with predictions out, Label Studio exports in
    retrain    the retrain flow in the background into staging; explicit promotion
    commands   export/import behind ``cables export-labels`` / ``import-labels``
    app        the FastAPI application (pages + JSON API)
    server     pick a free port, print the URL, run uvicorn
    screenshots  the README's screenshots (developer tool)
"""
