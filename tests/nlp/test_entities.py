"""NER on real cable paragraphs with the real spaCy model and cable rules."""

import pytest

from pipeline.nlp.entities import extract_entities


@pytest.fixture(scope="module")
def phnompenh_entities(nlp, phnompenh_path):
    from pipeline.cables.parse import parse_file

    cable = parse_file(phnompenh_path)
    texts = [p.text for p in cable.paragraphs]
    return texts, extract_entities(nlp, texts)


@pytest.mark.parametrize(
    "text,label",
    [("Chan Sotheavy", "PERSON"), ("Ang Vong Vathana", "PERSON"), ("Cambodia", "GPE"), ("Ministry of Justice", "ORG")],
)
def test_phnompenh_entities_found(phnompenh_entities, text, label):
    _, ents = phnompenh_entities
    found = {(e.text, e.label) for para in ents for e in para}
    assert (text, label) in found


def test_offsets_point_into_paragraph_text(phnompenh_entities):
    texts, ents = phnompenh_entities
    assert sum(map(len, ents)) > 20
    for text, para in zip(texts, ents):
        for e in para:
            assert text[e.start : e.end] == e.text
            assert "\n" not in e.text


@pytest.mark.parametrize(
    "text,span,label",
    [
        ("Cleared with AMEMBASSY PHNOM PENH and SECSTATE WASHDC today.", "AMEMBASSY PHNOM PENH", "POST"),
        ("Cleared with AMEMBASSY PHNOM PENH and SECSTATE WASHDC today.", "SECSTATE WASHDC", "POST"),
        ("As reported in 07PHNOMPENH1307, the court met.", "07PHNOMPENH1307", "CABLE_REF"),
        ("As reported in PHNOM PENH 1307, the court met.", "PHNOM PENH 1307", "CABLE_REF"),
        ("Per STATE 123456, posts should reply.", "STATE 123456", "CABLE_REF"),
        ("This cable is tagged PGOV and PHUM.", "PGOV", "TAG"),
    ],
)
def test_cable_rules(nlp, text, span, label):
    ents = extract_entities(nlp, [text])[0]
    assert (span, label) in {(e.text, e.label) for e in ents}


def test_redactions_are_never_entities(nlp):
    text = "XXXXXXXXXXXX told Poloff that Minister XXXXXXXXXXXX would visit Paris."
    ents = extract_entities(nlp, [text])[0]
    assert all("XXXX" not in e.text for e in ents)
    assert ("Paris", "GPE") in {(e.text, e.label) for e in ents}


def test_huge_paragraph_is_windowed_not_refused(nlp, monkeypatch):
    from pipeline import config

    cfg = {k: dict(v) for k, v in config.load_config().items()}
    cfg["spacy"]["max_chars"] = 200
    monkeypatch.setattr("pipeline.nlp.entities.load_config", lambda: cfg)
    text = ("The delegation met officials in Cambodia. " * 20) + "Finally Chan Sotheavy spoke in Phnom Penh."
    ents = extract_entities(nlp, [text])[0]
    assert ents[-1].end > 200, "entities beyond the first window must be found"
    for e in ents:
        assert text[e.start : e.end] == e.text


@pytest.mark.parametrize(
    "text,year,kb_id",
    [
        ("As reported in PHNOM PENH 1307, the court met.", "07", "07PHNOMPENH1307"),
        ("As reported in 07PHNOMPENH1307, the court met.", None, "07PHNOMPENH1307"),
        ("Per 08 STATE 123456, posts should reply.", "07", "08STATE123456"),
        ("As reported in PHNOM PENH 1307, the court met.", None, None),
    ],
)
def test_cable_refs_resolve_to_reference_ids(nlp, text, year, kb_id):
    ents = [e for e in extract_entities(nlp, [text], years=[year])[0] if e.label == "CABLE_REF"]
    assert len(ents) == 1
    assert ents[0].kb_id == kb_id
