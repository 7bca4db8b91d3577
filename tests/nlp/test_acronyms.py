"""Acronym tables (pipeline.nlp.acronyms) on real cables of the sample drop,
and their precision/recall against the hand-checked gold of corpora/acronyms."""

import pytest

from pipeline.cables.parse import parse_file
from pipeline.nlp.acronym_eval import load_gold, normalise, score, system_tables
from pipeline.nlp.acronyms import cable_acronyms, initials_definition


@pytest.fixture(scope="module")
def tables(sample_drop):
    def table(cable_id):
        return cable_acronyms([p.text for p in parse_file(sample_drop / f"{cable_id}.txt").paragraphs])

    return table


@pytest.mark.parametrize(
    "cable_id,short,long",
    [
        # the package alone shifted this one ("and Opportunity Act") or failed
        ("07BUJUMBURA798", "AGOA", "African Growth and Opportunity Act"),
        ("07BUJUMBURA798", "ACOTA", "African Contingency Operations Training and Assistance"),
        # S-H alone: "of Defense Cooperation", "and Immigration Tribunal", "of American States"
        ("07COLOMBO838", "ODC", "Office of Defense Cooperation"),
        ("07HARARE1073", "AIT", "Asylum and Immigration Tribunal"),
        ("06PARAMARIBO343", "OAS", "Organization of American States"),
        # S-H alone: "and the United Self Defense Forces"
        ("06BOGOTA405", "AUC", "United Self Defense Forces"),
        ("07KUWAIT808", "AML/CTF", "anti-money laundering and counter-terrorism finance"),
    ],
)
def test_definitions_in_real_cables(tables, cable_id, short, long):
    assert tables(cable_id)[short] == long


def test_short_form_is_not_its_own_long_form(tables):
    assert "FNL" not in tables("07BUJUMBURA798")  # "the PALIPEHUTU-FNL (FNL)"


def test_initials_definition_skips_minor_words_but_does_not_start_with_one():
    s = "He met the Office of the Public Prosecutor (OPP) and the Ministry of Justice (MOJ)."
    assert initials_definition(s, "OPP") == "Office of the Public Prosecutor"
    assert initials_definition(s, "MOJ") == "Ministry of Justice"
    assert initials_definition("the National Unity (UN) party", "UN") is None


def test_normalise():
    assert normalise("the Federal Electoral Institute's") == normalise("Federal Electoral Institute")
    assert normalise("Chemical, Biological and Nuclear") == "chemical biological and nuclear"


def test_precision_and_recall_on_the_gold():
    gold = load_gold()
    assert len(gold) == 100 and sum(map(len, gold.values())) == 226
    system = system_tables(sorted(gold))
    strict = score(gold, system)
    # measured 96.6% / 74.3% (README); the floor catches a regression
    assert strict.precision >= 0.95
    assert strict.recall >= 0.72
    assert score(gold, system, lenient=True).matched >= strict.matched
