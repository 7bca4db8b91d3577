"""Cable-aware NER on a real cable (07PHNOMPENH1308): case restoration,
acronyms (Schwartz & Hearst), titles.  Figures over 300 test-split
paragraphs come from ``python -m pipeline.nlp.bench_case``, not from here."""

import pytest

from pipeline.nlp.acronyms import cable_acronyms
from pipeline.nlp.casing import is_all_caps, restore_case
from pipeline.nlp.entities import extract_entities


@pytest.fixture(scope="module")
def texts(phnompenh_path):
    from pipeline.cables.parse import parse_file

    return [p.text for p in parse_file(phnompenh_path).paragraphs]


@pytest.fixture(scope="module")
def cable_ents(nlp, texts):
    return extract_entities(nlp, texts, cables=[0] * len(texts))


def test_restore_case_keeps_length_and_letters(texts):
    for t in texts:
        up = t.upper()
        r = restore_case(up)
        assert len(r) == len(up) and r.upper() == up
        assert restore_case(t) == t  # mixed case is left alone
    r = restore_case(texts[1].upper())
    assert "Minister of Justice" in r and "(RGC)" in r and "Cambodia" in r


def test_all_caps_detection(texts):
    assert is_all_caps(texts[1].upper()) and not is_all_caps(texts[1])


def test_all_caps_entities_found_in_original_text(nlp, texts):
    up = [t.upper() for t in texts]
    ours = extract_entities(nlp, up)
    stock = extract_entities(nlp, up, restore_case=False)
    for text, para in zip(up, ours):
        for e in para:
            assert text[e.start : e.end] == e.text
    found = {(e.text, e.label) for p in ours for e in p}
    assert ("CHAN SOTHEAVY", "PERSON") in found
    assert ("CAMBODIA", "GPE") in found
    gpe = lambda ents: sum(e.label == "GPE" for p in ents for e in p)  # noqa: E731
    assert gpe(ours) > gpe(stock)


def test_cable_acronym_table(texts):
    table = cable_acronyms(texts)
    assert table["MOJ"] == "Ministry of Justice"
    assert table["RGC"] == "Royal Government of Cambodia"
    assert table["NTF"] == "National Task Force"
    assert table["LTF"] == "Leading Task Force"
    assert table["MOWA"] == "Ministry of Women's Affairs"


def test_acronym_use_before_definition_gets_expansion(cable_ents):
    # paragraph 1 uses MOJ; the cable defines it only in paragraph 3
    moj = [e for e in cable_ents[0] if e.text == "MOJ"]
    assert moj and moj[0].expansion == "Ministry of Justice"


def test_without_cable_grouping_no_cross_paragraph_expansion(nlp, texts):
    ents = extract_entities(nlp, texts[:1])[0]
    assert all(e.expansion is None for e in ents if e.text == "MOJ")


@pytest.mark.parametrize(
    "person,title",
    [
        ("Ang Vong Vathana", "Minister of Justice"),
        ("Sar Kheng", "Minister of Interior"),
        ("Ing Kantha Phavi", "Minister of Women's Affairs"),
        ("Chan Sotheavy", "Secretary of State"),
        ("Ly Vouch Leng", "former Appeals Court Judge"),
    ],
)
def test_person_titles(cable_ents, person, title):
    titles = {e.title for p in cable_ents for e in p if e.label == "PERSON" and e.text == person}
    assert title in titles


def test_title_only_on_person(cable_ents):
    assert all(e.title is None for p in cable_ents for e in p if e.label != "PERSON")
