"""The cable ruler's token trie gives exactly spaCy's EntityRuler matches.

Real cables of the sample drop, as written, upper-cased and recased, with
the real cable patterns; the stock ``entity_ruler`` with the same patterns
is the reference (same sorted match list: same entities after overlaps)."""

import pytest
import spacy

from pipeline.nlp.casing import restore_case
from pipeline.nlp.rules import entity_patterns
from pipeline.nlp.ruler import TokenTrie

CONFIG = {"phrase_matcher_attr": "LOWER", "validate": False}


@pytest.fixture(scope="module")
def rulers():
    nlp = spacy.blank("en")
    stock = nlp.add_pipe("entity_ruler", name="stock", config=CONFIG)
    stock.add_patterns(entity_patterns())
    ours = nlp.add_pipe("cable_entity_ruler", name="ours", config=CONFIG)
    ours.add_patterns(entity_patterns())
    return nlp, stock, ours


@pytest.fixture(scope="module")
def texts(sample_drop):
    from pipeline.cables.parse import parse_file

    names = ["07PHNOMPENH1308.txt"] + sorted(p.name for p in sample_drop.glob("*.txt"))[:12]
    out = [p.text for n in dict.fromkeys(names) for p in parse_file(sample_drop / n).paragraphs]
    return out + [t.upper() for t in out] + [restore_case(t.upper()) for t in out]


def test_every_token_pattern_is_in_the_trie(rulers):
    _, stock, ours = rulers
    assert len(ours) == len(stock) and len(ours.matcher) == 0
    assert ours.patterns == stock.patterns


def test_same_matches_as_entity_ruler(rulers, texts):
    nlp, stock, ours = rulers
    labels = set()
    for text in texts:
        doc = nlp.make_doc(text)
        expected = stock.match(doc)
        assert ours.match(doc) == expected, text[:80]
        labels |= {nlp.vocab.strings[m] for m, _, _ in expected}
    assert {"POST", "TAG", "CABLE_REF"} <= labels  # the check covered each kind


@pytest.mark.parametrize(
    "text,expected",
    [
        ("SEE REFTEL B AND STATE 123456 ON PGOV.", {("CABLE_REF", "REFTEL B"), ("CABLE_REF", "STATE 123456"),
                                                   ("TAG", "PGOV")}),
        ("As reported in 08 PHNOM PENH 1307 and 07PHNOMPENH1308.", {("CABLE_REF", "08 PHNOM PENH 1307"),
                                                                    ("CABLE_REF", "07PHNOMPENH1308")}),
    ],
)
def test_written_references(rulers, text, expected):
    nlp, _, ours = rulers
    doc = ours(nlp.make_doc(text))
    assert {(e.label_, e.text) for e in doc.ents} == expected


def test_pattern_with_operator_stays_with_spacy_matcher(rulers):
    nlp = spacy.blank("en")
    ruler = nlp.add_pipe("cable_entity_ruler", config=CONFIG)
    ruler.add_patterns([{"label": "X", "pattern": [{"ORTH": "a"}, {"ORTH": "b", "OP": "+"}]},
                        {"label": "Y", "pattern": [{"LOWER": {"IN": ["c", "d"]}}, {"TEXT": {"REGEX": r"^\d+$"}}]}])
    assert len(ruler.matcher) == 1  # X: an operator
    doc = ruler(nlp.make_doc("a b b then D 12"))
    assert {(e.label_, e.text) for e in doc.ents} == {("X", "a b b"), ("Y", "D 12")}


def test_trie_refuses_what_it_cannot_express():
    trie = TokenTrie(spacy.blank("en").vocab.strings)
    assert not trie.add(1, [{"POS": "NOUN"}])
    assert not trie.add(1, [{"ORTH": "a", "OP": "?"}])
    assert not trie.add(1, [{"LOWER": {"REGEX": "a"}}])
    assert not trie.add(1, [])
    assert trie.add(1, [{"TEXT": {"REGEX": "^a$"}}, {"LOWER": {"IN": ["b", "c"]}}])


def test_spawned_ner_process_gives_the_same_entities(nlp, phnompenh_path):
    """``[flow] ner_process``: the spawned worker builds the same pipeline
    (the cable_entity_ruler factory registers on import there too)."""
    from pipeline.cables.parse import parse_file
    from pipeline.flows import models
    from pipeline.nlp.entities import extract_entities

    texts = [p.text for p in parse_file(phnompenh_path).paragraphs]
    args = (texts, ["07"] * len(texts), [0] * len(texts), None)
    remote = models.ner_pool().submit(models._ner_job, *args).result(timeout=300)
    local = extract_entities(nlp, texts, years=args[1], cables=args[2])
    assert remote == local and sum(map(len, local)) > 20
    assert any(e.label == "CABLE_REF" for p in local for e in p)


def test_regex_cache_bound_keeps_results(rulers, texts):
    """Clearing the remembered regex results changes no match."""
    nlp, stock, _ = rulers
    ruler = nlp.create_pipe("cable_entity_ruler", config=CONFIG)
    ruler.add_patterns(entity_patterns())
    ruler.trie.MAX_CACHE = 5
    for text in texts[:40]:
        doc = nlp.make_doc(text)
        assert ruler.match(doc) == stock.match(doc)
        assert len(ruler.trie._hits) <= 5 + 4 * len(doc)  # 4 distinct regexes in the cable rules
