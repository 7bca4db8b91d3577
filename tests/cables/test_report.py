"""Corpus report: origin keys, one record checked, streaming over shards."""

from __future__ import annotations

import json

import pytest

from cable_helpers import cable_path
from pipeline.cables.agreement import ABSENT, absent_from_text
from pipeline.cables.report import CorpusReport, check_record, iter_records, origin_key, origins_agree, run_report
from pipeline.cables.source_errors import documented


@pytest.mark.parametrize("origin,key", [
    ("AMEMBASSY ABU DHABI", "ABUDHABI"),   # 00ABUDHABI5893 FM line
    ("Embassy Abu Dhabi", "ABUDHABI"),     # its metadata origin
    ("AMCONSUL SHENYANG", "SHENYANG"),     # 10SHENYANG4
    ("Consulate Shenyang", "SHENYANG"),
    ("SECSTATE WASHDC", "STATE"),
    ("Secretary of State", "STATE"),
    ("USEU BRUSSELS", "USEUBRUSSELS"),    # 09BRUSSELS536
    (None, None),
])
def test_origin_key(origin, key):
    assert origin_key(origin) == key


@pytest.mark.parametrize("ours,meta,agree", [
    ("USMISSION USUN NEW YORK", "USUN New York", True),
    ("AMEMBASSY PHNOM PENH", "Embassy Phnom Penh", True),
    ("AMEMBASSY BAGHDAD", "Secretary of State", False),
    (None, "Embassy Ankara", False),
])
def test_origins_agree(ours, meta, agree):
    assert origins_agree(ours, meta) is agree


def _record(cid: str, **meta) -> dict:
    raw = cable_path(cid).read_bytes().decode("utf-8")
    return {"id": cid, "raw": raw, **meta}


def test_check_record_agrees_with_true_metadata():
    rec = _record("07PHNOMPENH1308", date="2007-10-17 09:40",
                  classification="UNCLASSIFIED//FOR OFFICIAL USE ONLY", origin="Embassy Phnom Penh")
    check = check_record(rec)
    assert check.error is None and check.disagree == {}
    assert check.counts["paragraphs"] == 13 and check.counts["paragraphs_marked"] == 13
    assert check.counts["raw_markings_missed"] == 0


def test_check_record_lists_disagreements_with_reasons():
    # partial extract: no DTG, no FM line (02ANKARA8852); wrong level on purpose
    rec = _record("02ANKARA8852", date="2002-12-20 15:10", classification="SECRET", origin="Embassy Ankara")
    check = check_record(rec)
    assert check.disagree["cable_id"][0] == "no cable id"
    assert check.disagree["date"][0] == "no date in text"
    assert check.disagree["level"][0] == "different level"
    assert check.disagree["origin"][0] == "no FM line"
    assert check.counts["cable_id_named_agree"] == 1  # named 02ANKARA8852.txt as in a drop
    # the text carries no DTG, no FM line and no year for the id: explained, null by design;
    # the level is read from the text and disagrees with the (wrong) metadata: unexplained
    assert check.explained == {
        "cable_id": (ABSENT, "no year for the id in text (no DTG, id not printed)"),
        "date": (ABSENT, "no DTG in text"),
        "origin": (ABSENT, "no FM or From: line in text")}


def test_report_separates_explained_from_unexplained():
    recs = [_record("02ANKARA8852", date="2002-12-20 15:10", classification="SECRET", origin="Embassy Ankara"),
            _record("07PHNOMPENH1308", date="2007-10-17 09:40",
                    classification="UNCLASSIFIED//FOR OFFICIAL USE ONLY", origin="Embassy Phnom Penh")]
    report = CorpusReport()
    for rec in recs:
        report.add(check_record(rec))
    s = report.summary()
    assert s["agreement"]["date"]["rate"] == 0.5 and s["agreement"]["date"]["rate_explained_excluded"] == 1.0
    assert s["agreement"]["date"]["absent_from_text"] == 1
    assert s["agreement"]["level"]["unexplained"] == 1 and s["agreement"]["level"]["rate_explained_excluded"] == 0.5
    assert [(d["id"], d["field"]) for d in s["unexplained_disagreements"]] == [("02ANKARA8852", "level")]
    assert "[unexplained level] 02ANKARA8852: different level" in report.table(show=0)


def test_absent_from_text_reads_the_whole_text():
    # a DTG anywhere (here in title case under the notice, 03ANKARA3694) means the date is there
    assert absent_from_text("notice\n\n061428Z Jun 03\n", "date", "03ANKARA3694") is None
    # the id's year printed with the id (00HANOI686), not a "SECTION 01 OF 03 ANKARA 002521" run
    assert absent_from_text("2000HANOI00686 - CONFIDENTIAL", "cable_id", "00HANOI686") is None
    assert absent_from_text("SECTION 01 OF 03 ANKARA 002521", "cable_id", "03ANKARA2521")
    # "DUTCH FM BOT'S VISIT TO THE U.S." is a subject, not an FM line (04THEHAGUE281)
    assert absent_from_text("SUBJECT: DUTCH FM BOT'S VISIT TO THE U.S.", "origin", "04THEHAGUE281")
    assert absent_from_text("FM AMEMBASSY ROME\nTO SECSTATE WASHDC", "origin", "02ROME3639") is None


def test_documented_source_error_needs_the_same_value():
    assert documented("08LAPAZ751", "cable_id", "08BOGOTA751")
    assert documented("08LAPAZ751", "cable_id", "08LAPAZ751") is None  # the parser moved: no longer explained


def test_bad_record_is_an_error_not_an_exception():
    assert check_record({"id": "X", "raw": ""}).error == "no raw text in record"
    assert check_record({"id": "X", "raw": "hello there, nothing here " * 5}).error == "no cable header found"


def test_run_report_streams_shards(tmp_path):
    recs = [_record("07PHNOMPENH1308", date="2007-10-17 09:40", classification="UNCLASSIFIED",
                    origin="Embassy Phnom Penh"), {"id": "BAD", "raw": ""}]
    shard = tmp_path / "cables-0001.jsonl"
    shard.write_text("".join(json.dumps(r) + "\n" for r in recs), encoding="utf-8")
    assert [r["id"] for r in iter_records([tmp_path])] == ["07PHNOMPENH1308", "BAD"]
    report = run_report([shard])
    s = report.summary()
    assert s["cables"] == 2 and s["errors"] == [{"id": "BAD", "reason": "no raw text in record"}]
    assert s["agreement"]["level"]["disagree_by_reason"] == {"different level": 1}  # SBU vs UNCLASSIFIED
    assert "cable_id agrees with metadata" in report.table()
    with pytest.raises(FileNotFoundError):
        list(iter_records([tmp_path / "missing.jsonl"]))


def test_cli_corpus_report(tmp_path, capsys):
    from pipeline.cli import main

    shard = tmp_path / "s.jsonl"
    shard.write_text(json.dumps(_record("07PHNOMPENH1308", date="2007-10-17 09:40",
                                        classification="UNCLASSIFIED//FOR OFFICIAL USE ONLY",
                                        origin="Embassy Phnom Penh")) + "\n", encoding="utf-8")
    out = tmp_path / "r.json"
    assert main(["corpus-report", str(shard), "--json", str(out)]) == 0
    assert json.loads(out.read_text())["agreement"]["cable_id"]["agree"] == 1
    assert "paragraphs" in capsys.readouterr().out


def test_raw_markings_count_only_paragraph_markings():
    """A marking in the header (REF item, "(U) Classified by"), on a marked
    heading, or a list enumerator "(C)" after "(A)" and "(B)" is counted apart;
    every paragraph marking is captured (missed 0); markings glued after a
    sentence become paragraphs, so none is left in text."""
    from test_defect_kinds import cable

    raw = cable(ref="REF: (A) BRASILIA 1185\n(B) BRASILIA 9600\n(C) BEIJING 18406",
                cby="(U) Classified by Ambassador W.R. Pearson; reasons: 1.5 (b,d).",
                body="(C) GOAL ACCOMPLISHMENT\n-----------------------\n\n1. (C) Options:\n\n(A) Wait.\n\n"
                     "(B) Act now.\n\n(C) Do both.\n\n2. (SBU) Two. (C) Glued portion.\n\n"
                     "A. (S) Lettered.\n")
    check = check_record({"id": "06MINSK641", "raw": raw, "date": "2006-06-16 06:00",
                          "classification": "CONFIDENTIAL", "origin": "Embassy Minsk"})
    c = check.counts
    assert (c["raw_markings_header"], c["raw_markings_enumerator"], c["raw_markings_heading"]) == (2, 1, 1)
    assert c["raw_markings"] == 3 and c["raw_markings_missed"] == 0
    assert c["text_marking"] == 0 and c["paragraphs_marked"] == 4


def test_header_box_preview_counts_apart_and_sipdis_in_any_case():
    """The WikiLeaks header box above ``header ends`` repeats paragraph 1
    cut short (``¶1.  (U) Visit..``, 06LIMA2017): header matter, no miss.
    A ``Sipdis`` line of a lower-cased copy (07KUWAIT808) leaves no SIPDIS
    in the text, and the report's check would see one in any case."""
    from pipeline.cables.report import LEFTOVER
    from test_defect_kinds import cable

    raw = cable(body="\u00b61.  (U) Visit..\nid: 65100\ndate: 5/23/2006 13:25\nrefid: 06LIMA2017\n\n"
                     "----------------- header ends ----------------\n\n"
                     "\u00b61.  (U) Visiting PDAS Charles Shapiro and Ambassador Struble\nmet for one hour on May 17."
                     "\n\nSipdis\n\n\u00b62.  (C) Humala, who assumed a low key and friendly manner.\n")
    check = check_record({"id": "06MINSK641", "raw": raw})
    c = check.counts
    assert c["raw_markings_header"] == 1 and c["raw_markings"] == 2 and c["raw_markings_missed"] == 0
    assert c["text_sipdis"] == 0 and c["paragraphs"] == 2
    assert LEFTOVER["sipdis"].search("Financial Crimes Sipdis Patrick O'Brien")


def test_glued_header_fields_are_counted_when_left_in():
    """A cable whose E.O., TAGS, SUBJECT, REF and Classified By share lines
    (04BRASILIA3106) parses into clean fields: no leftover, E.O. found; one
    with no E.O. at all counts under "no eo"; a REF that keeps another
    field's keyword counts as a leftover (the check that found 262 REF lists
    holding a Classified By line and a paragraph before the glued-field rules)."""
    from pipeline.cables.report import HEADER_LEFTOVER
    from test_defect_kinds import cable

    glued = cable(eo="E.O. 12958: DECL: 12/17/2014 TAGS: EAIR BR", tags="", cby="",
                  subject="SUBJECT: BOEING EXECUTIVES DISCUSS INVESTMENT REF: BRASILIA 2939 Classified By: DCM X "
                          "for reasons 1.4 (b) and (d)")
    c = check_record({"id": "06MINSK641", "raw": glued}).counts
    assert (c["no_eo"], c["no_tags"], c["header_leftover"]) == (0, 0, 0)
    c = check_record({"id": "06MINSK641", "raw": cable(eo="")}).counts
    assert c["no_eo"] == 1
    assert HEADER_LEFTOVER.search("BRASILIA 2939 Classified By: DCM X") and not HEADER_LEFTOVER.search("BRASILIA 2939")
