"""The truecaser (pipeline.nlp.casing) on cable sentences: whole-token forms,
context decisions, learned sentence starts, acronyms defined in the text.
The shipped table is the one learned from the corpus train split."""

import pytest

from pipeline.nlp.casing import CaseModel, build_model, case_model, restore_case


@pytest.mark.parametrize(
    "upper,expected",
    [
        # dotted acronyms are one token; "U.S." does not end the sentence
        ("THE U.S. AND CAMBODIA AGREED ON THE TEXT.", "The U.S. and Cambodia agreed on the text."),
        # the same word, two forms, decided by its neighbours
        ("THE EMBASSY IN NEW YORK SAID A NEW LAW PASSED.", "The Embassy in New York said a new law passed."),
        ("THE SECRETARY OF STATE MET THE MINISTER ON MAY 5; HE MAY RETURN.", "The Secretary of State met the Minister on May 5; he may return."),
        # abbreviations that do not start a sentence
        ("WE MET AMB. SMITH ON SEPT. 5 IN PHNOM PENH TODAY.", "We met Amb. Smith on Sept. 5 in Phnom Penh today."),
        # redactions and TAGS stay as written
        ("XXXXXXXXXXXX TOLD POLOFF THAT THE RGC AND MOJ MET ON PGOV.", "XXXXXXXXXXXX told Poloff that the RGC and MOJ met on PGOV."),
    ],
)
def test_restore_case_sentences(upper, expected):
    assert restore_case(upper) == expected


def test_short_form_defined_in_text_stays_upper_and_long_form_is_capitalised():
    r = restore_case("THE FINNS PUSH THE NORTHERN DIMENSION (ND) POLICY. THE ND MEETS IN MAY IN TURKU.")
    assert "Northern Dimension (ND)" in r
    assert "The ND meets" in r


def test_unseen_words_are_names_and_vowel_less_ones_acronyms():
    r = restore_case("THE ZZYZXOVA DELEGATION AND THE PRGQ OFFICE MET MCZZYZX TODAY IN TOWN.")
    assert "Zzyzxova" in r and "PRGQ" in r and "McZzyzx" in r


def test_build_model_learns_forms_contexts_and_sentence_starts():
    paras = [
        "Officials in New York said a new law passed in New York after the U.S. and Japan agreed.",
        "A new rule passed in New York when the U.S. and Japan talked. Then the new rule lapsed.",
        "The U.S. and Japan met in New York about a new law. Then new talks began in New York.",
    ]
    doc = build_model(paras)
    assert doc["forms"]["u.s"] == "U.S" and doc["forms"]["japan"] == "Japan"
    assert set(doc["ambig"]["new"]["f"]) == {"New", "new"}
    forms = {w: w for w in doc["lower"]} | doc["forms"]
    model = CaseModel(forms=forms, ambig=doc["ambig"], start=doc["start"])
    assert model.form("new", "in", "york") == "New"
    assert model.form("new", "a", "law") == "new"
    assert not model.starts_sentence("u.s.")


def test_shipped_model_is_loaded_and_learned_that_us_does_not_end_a_sentence():
    model = case_model()
    assert not model.starts_sentence("u.s.")
    assert model.starts_sentence("cambodia.")
    assert model.starts_sentence("<s>")


def test_build_phrases_keeps_names_the_word_model_would_miss():
    from pipeline.nlp.casing import build_phrases

    paras = ["A local merchant sold the goods to a merchant ship."] * 4 + [
        "He said the Merchant Marine would inspect the port.",
        "Officials of the Merchant Marine agreed.",
        "Later the Merchant Marine left.",
    ]
    # the word model: every word in lower case
    forms = {w.strip(".").lower(): w.strip(".").lower() for p in paras for w in p.split()}
    phrases = build_phrases(paras, forms)
    assert phrases["merchant marine"] == "Merchant Marine"
    assert "merchant ship" not in phrases  # the word model already writes it so


def test_shipped_phrases_are_applied():
    model = case_model()
    assert model.phrases, "the shipped table carries phrases"
    key, form = next((k, v) for k, v in model.phrases.items() if len(k.split()) == 2 and k.replace(" ", "").isalpha())
    r = restore_case(f"WE SAW THAT {key.upper()} MET THEM ON MONDAY IN TOWN.")
    assert form in r
