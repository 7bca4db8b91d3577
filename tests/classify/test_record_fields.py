"""Holders and sensitivity flags on records assembled by the annotate stages
from real sample cables, with the real NER and the shipped classifiers."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.classify.flags import sensitivity_flag
from pipeline.schema import validate_record

SAMPLE = Path(__file__).resolve().parents[2] / "corpora" / "drops" / "sample"
CABLES = ["07PHNOMPENH1308.txt", "00ATHENS1917.txt", "07ANKARA2174.txt"]


@pytest.fixture(scope="module")
def records(classifier, nlp):
    from pipeline.classify.context import contexts_for
    from pipeline.flows import stages
    from pipeline.nlp.entities import extract_entities

    cables, failures = stages.parse_many([SAMPLE / n for n in CABLES])
    assert not failures
    texts = stages.paragraph_texts(cables)
    ents = extract_entities(nlp, texts)
    ctx = [c for cable in cables for c in contexts_for(cable)]
    preds = classifier.predict(texts, contexts=ctx)
    models = {"spacy": {"name": f"{nlp.meta['lang']}_{nlp.meta['name']}", "version": nlp.meta["version"]},
              **classifier.versions()}
    return stages.assemble(cables, ents, preds, models)


def test_records_carry_holders_and_flags(records):
    n_com = n_dou = 0
    for rec in records:
        validate_record(rec.to_dict())
        for p in rec.paragraphs:
            assert (p.commitment_holder is not None) == p.predictions.commitment.label
            assert (p.doubt_holder is not None) == p.predictions.doubt.label
            assert p.sensitivity_flag == sensitivity_flag(p.sensitivity, p.predictions.sensitivity.label)
            for att in (p.commitment_holder, p.doubt_holder):
                if att is not None and att.start is not None:
                    assert p.text[att.start : att.end] == att.holder
            n_com += p.predictions.commitment.label
            n_dou += p.predictions.doubt.label
    assert n_com > 0 and n_dou > 0  # the three cables hold both; otherwise nothing was checked
