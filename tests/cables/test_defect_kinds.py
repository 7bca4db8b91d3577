"""Every defect kind of issue 3 on a small input: (snippet, field, expected).

Each snippet is cut from the corpus cable named in its comment and set into
a minimal cable (``cable(...)``: routing, class line, header lines, body), so
one row tests one rule.  Reading damage (mojibake, cp1252, ``&#x000A;``)
goes through :func:`read_cable_bytes` like a file would.
"""

from __future__ import annotations

import pytest

from cable_helpers import field
from pipeline.cables.parse import parse_cable
from pipeline.cables.read import read_cable_bytes

ROUTING = "VZCZCXRO1149\nDE RUEHSK #0641/01 1670608\nZNY CCCCC ZZH\nR 160608Z JUN 06\nFM AMEMBASSY MINSK\n" \
          "TO RUEHC/SECSTATE WASHDC 4560\n\n"


def cable(cls: str = "C O N F I D E N T I A L MINSK 000641", eo: str = "E.O. 12958: DECL: 06/16/2016",
          tags: str = "TAGS: PGOV, PINR", subject: str = "SUBJECT: X", ref: str = "",
          cby: str = "Classified By: Ambassador X for reasons 1.4 (b) and (d).",
          body: str = "1. (C) Text.\n") -> str:
    head = "\n".join(x for x in (eo, tags, subject) if x)
    return f"{ROUTING}{cls}\n\n{head}\n\n" + (f"{ref}\n\n" if ref else "") + (f"{cby}\n\n" if cby else "") + body


def body(text: str) -> str:
    return cable(body=text)


BOEING = ("SUBJECT: BRAZIL: BOEING EXECUTIVES DISCUSS INVESTMENT REF: BRASILIA 2939 Classified By: DCM PHILLIP "
          "CHICOLA BASED UPON REASON 1.4(B) AND (D)")
NNSA = "SUBJECT:\n\nINVITATION TO NNSA SEMINAR DELIVERED REF: STATE 5535 (U) We delivered reftel points. They will get back to us."
SOLIMAN = ("SUBJECT:\n\nEGIS CHIEF SOLIMAN DISCUSS SUDAN Classified By: Deputy Chief of Mission Matthew H. Tueller for "
           "reasons 1.4 (b) and (d).")

ROWS = [
    # --- Classified By ------------------------------------------------------------
    # wrapped mid-word (09BOGOTA3271: "REASON: 1.4(B), \n(C), (D)")
    (cable(cby="CLASSIFIED BY: William R. Brownfield, Ambassador; REASON: 1.4(B), \n(C), (D)"),
     "header.classified_by.reasons", ["1.4(b)", "1.4(c)", "1.4(d)"]),
    (cable(cby="Classified By: Political Counselor Ted Ambassa\ndor for reasons 1.4 (b) and (d)"),
     "header.classified_by.reasons", ["1.4(b)", "1.4(d)"]),
    # "1.5 (b,d)" (09THEHAGUE582)
    (cable(cby="Classified By: POLECON Counselor Andrew C. Mann for reasons 1.5 (b,d)"),
     "header.classified_by.reasons", ["1.5(b)", "1.5(d)"]),
    (cable(cby="Classified By: POLECON Counselor Andrew C. Mann for reasons 1.5 (b,d)"),
     "header.classified_by.by", "POLECON Counselor Andrew C. Mann"),
    # page break glued in front of the line (09TRIPOLI437)
    (cable(cby="TRIPOLI 00000437 001.2 OF 002 CLASSIFIED BY: Gene Cretz, Ambassador. REASON: 1.4 (b), (d)"),
     "paragraphs[0].text", "Text."),
    # --- E.O. and DECL ------------------------------------------------------------
    (cable(eo="E.O. 12958: DECL: 10/30/2010"), "header.eo.declassify", "2010-10-30"),      # 00ABUDHABI5893
    (cable(eo="E.O. 12958: DECL: 2019/12/24"), "header.eo.declassify", "2019-12-24"),      # 09KAMPALA1413
    (cable(eo="E.O. 12958: DECL: 09/21/10"), "header.eo.declassify", "2010-09-21"),        # 00HARARE5461
    (cable(eo="E.O. 12958: DECL: 7/20/2019"), "header.eo.declassify", "2019-07-20"),       # 09TRIPOLI583
    (cable(eo="E.O. 12958: N/A"), "header.eo.declassify", "N/A"),                         # 08BERLIN1108
    (cable(eo="E.o. 12958: n/a"), "header.eo.declassify", "N/A"),                         # 10NAIROBI165
    (cable(eo="E.O. 12958: DECL: 06/16/2016"), "header.eo.order", "12958"),
    (cable(eo="E.O. 12356: OADR"), "header.eo.order", "12356"),                           # 85BEIRUT1725
    (cable(eo="E.O. 12356: OADR"), "header.eo.declassify", "OADR"),
    (cable(eo="E.O. 12065: GDS 11/30/84 (SMITH, J) OR-P"), "header.eo.order", "12065"),
    (cable(eo="E.O. 11652: NGDS"), "header.eo.order", "11652"),                           # 75LIBREVILLE1895
    (cable(eo="E.O. 11652: NGDS"), "header.eo.declassify", "NGDS"),
    # --- TAGS -----------------------------------------------------------------------
    (cable(tags="TAGS: PREL PGOV PHUM KDEM ECON EFIN ETRD EINV\n     SNAR KCRM RS"), "header.tags",
     ["PREL", "PGOV", "PHUM", "KDEM", "ECON", "EFIN", "ETRD", "EINV", "SNAR", "KCRM", "RS"]),
    (cable(tags="TAGS: PGOV ECON PINR ELAB ECON PINR ELAB IT EU"), "header.tags",            # 02ROME3639
     ["PGOV", "ECON", "PINR", "ELAB", "IT", "EU"]),
    (cable(tags="TAGS: PREL PGOV KDEM (MEDVEDEV, DMITRIY) RS"), "header.tags",
     ["PREL", "PGOV", "KDEM", "(MEDVEDEV, DMITRIY)", "RS"]),
    # --- SUBJECT --------------------------------------------------------------------
    (cable(subject="SUBJECT: SULTAN BIN ZAYID: \"MUST THE U.S. BE TOUGHER\n          THAN THE ISRAELIS ON PALESTINE?\""),
     "header.subject", "SULTAN BIN ZAYID: \"MUST THE U.S. BE TOUGHER THAN THE ISRAELIS ON PALESTINE?\""),  # 00ABUDHABI5893
    (cable(subject="SUBJECT: (C) NETHERLANDS/AFGHANISTAN: DUTCH\nDEBATE ON ISAF\nEXTENSION"),
     "header.subject", "NETHERLANDS/AFGHANISTAN: DUTCH DEBATE ON ISAF EXTENSION"),
    (cable(subject="SUBJECT: (SBU) TIP IN CAMBODIA"), "header.subject", "TIP IN CAMBODIA"),
    # --- REF -------------------------------------------------------------------------
    (cable(ref="REF: A. CAIRO 181 B. CAIRO 257 C. 08 CAIRO 2480"), "header.references[2].cable_id",
     "08CAIRO2480"),                                                                       # 09CAIRO290
    (cable(ref="REF: A. CAIRO 181 B. CAIRO 257 C. 08 CAIRO 2480"), "header.references[0].cable_id",
     "06CAIRO181"),                            # no year: the cable's own (DTG 06)
    (cable(ref="REF: A) Berlin 250\n B) Berlin 620\n C) Berlin 1045"), "len(header.references)", 3),  # 08BERLIN1108
    (cable(ref="REF: A) Berlin 250\n B) Berlin 620\n C) Berlin 1045"), "header.references[1].cable_id",
     "06BERLIN620"),
    (cable(ref="REF: A. STRUWE-CLINE EMAIL 10/30/09\n     B. CAIRO 1742"), "header.references[0].cable_id",
     None),                                                                                # 09CAIRO2084 e-mail
    (cable(ref="REF: A. STRUWE-CLINE EMAIL 10/30/09\n     B. CAIRO 1742"), "header.references[1].cable_id",
     "06CAIRO1742"),
    # a lettered heading after the REF list is the body's (08LONDON2757)
    (cable(ref="REF: A. SECSTATE 114420 B. LONDON 2573\n\n ¶I. Key Objectives and Priorities (SBU) The UK agrees on "
               "November 15.", cby="", body=""), "header.references[1].text", "LONDON 2573"),
    (cable(ref="REF: A. SECSTATE 114420 B. LONDON 2573\n\n ¶I. Key Objectives and Priorities (SBU) The UK agrees on "
               "November 15.", cby="", body=""), "[(p.marking, p.text) for p in paragraphs][-1]",
     ("SBU", "The UK agrees on November 15.")),
    (cable(ref="REF: TELCON (C) WILSON/CHARLES TELECON"), "header.references[0].cable_id", None),  # 90BAGHDAD4397
    (cable(ref="REF: STATE 151237 (DTG 032313Z AUG 06)"), "header.references[0].cable_id", "06STATE151237"),
    # --- header fields glued into one line (2.8% of the corpus lost their TAGS) ------------
    # TAGS after the E.O. on its line (04BRASILIA3106)
    (cable(eo="E.O. 12958: DECL: 12/17/2014 TAGS: EAIR EINV BEXP ETRD BR FTAA", tags=""), "header.tags",
     ["EAIR", "EINV", "BEXP", "ETRD", "BR", "FTAA"]),
    (cable(eo="E.O. 12958: DECL: 12/17/2014 TAGS: EAIR EINV BEXP ETRD BR FTAA", tags=""), "header.eo.declassify",
     "2014-12-17"),
    # E.O. and TAGS glued to the class line, "REAP" + "E.O." (02ANKARA8305)
    (cable(cls="S E C R E T SECTION 01 OF 05 MINSK 000641S/CT FOR REAPE.O. 12958: DECL: 11/14/2012 TAGS: PTER TU",
           eo="", tags=""), "header.tags", ["PTER", "TU"]),
    (cable(cls="S E C R E T SECTION 01 OF 05 MINSK 000641S/CT FOR REAPE.O. 12958: DECL: 11/14/2012 TAGS: PTER TU",
           eo="", tags=""), "header.eo.declassify", "2012-11-14"),
    (cable(cls="S E C R E T SECTION 01 OF 05 MINSK 000641S/CT FOR REAPE.O. 12958: DECL: 11/14/2012 TAGS: PTER TU",
           eo="", tags=""), "header.cable_id", "06MINSK641"),
    # E.O. after an office line (09CAIRO200)
    (cable(eo="NEA/ELA FOR SCHALL \nDOE FOR MCLELLANDKERR E.O. 12958: N/A TAGS: KNNP IAEA ENRG EG", tags=""),
     "header.eo.declassify", "N/A"),
    (cable(eo="NEA/ELA FOR SCHALL \nDOE FOR MCLELLANDKERR E.O. 12958: N/A TAGS: KNNP IAEA ENRG EG", tags=""),
     "header.tags", ["KNNP", "IAEA", "ENRG", "EG"]),
    # SUBJECT, REF and Classified By on one line (04BRASILIA3106)
    (cable(subject=BOEING, cby=""), "header.subject", "BRAZIL: BOEING EXECUTIVES DISCUSS INVESTMENT"),
    (cable(subject=BOEING, cby=""), "header.references[0].text", "BRASILIA 2939"),
    (cable(subject=BOEING, cby=""), "header.classified_by.by", "DCM PHILLIP CHICOLA"),
    (cable(subject=BOEING, cby=""), "header.classified_by.reasons", ["1.4(b)", "1.4(d)"]),
    (cable(subject=BOEING, cby=""), "paragraphs[0].text", "Text."),
    # "SUBJECT:" alone, its text after a blank line with the REF and an unnumbered
    # first paragraph glued to it (09CAIRO200)
    (cable(subject=NNSA, cby="", body=""), "header.subject", "INVITATION TO NNSA SEMINAR DELIVERED"),
    (cable(subject=NNSA, cby="", body=""), "header.references[0].text", "STATE 5535"),
    (cable(subject=NNSA, cby="", body=""), "[(p.marking, p.text) for p in paragraphs]",
     [("U", "We delivered reftel points. They will get back to us.")]),
    # ... and Classified By glued to it, "1.(C)" opening the next line (09CAIRO1787)
    (cable(subject=SOLIMAN, cby="", body="1.(C) Key Points -- Soliman said so.\n\n2. (C) Two.\n"),
     "header.subject", "EGIS CHIEF SOLIMAN DISCUSS SUDAN"),
    (cable(subject=SOLIMAN, cby="", body="1.(C) Key Points -- Soliman said so.\n\n2. (C) Two.\n"),
     "[(p.number, p.text) for p in paragraphs]", [("1", "Key Points -- Soliman said so."), ("2", "Two.")]),
    # a page break printed in the REF list (09CAIRO1912)
    (cable(ref="REF: A. PARIS 1301 B. MINSK 1804 MINSK 00000641 001.3 OF 002"), "header.references[1].text",
     "MINSK 1804"),
    (cable(subject="SUBJECT: UK SLIDING TOWARDS RECESSION MINSK 00000641 001.2 OF 004"), "header.subject",
     "UK SLIDING TOWARDS RECESSION"),                                                       # 08LONDON2217
    (cable(subject="SUBJECT: (C) SUBJECT: BRIEFING INFORMATION FOR OCTOBER 6"), "header.subject",
     "BRIEFING INFORMATION FOR OCTOBER 6"),                                                 # 07PARAMARIBO510
    # the body glued under the TAGS line is no tag (08BUENOSAIRES1305)
    (cable(tags="TAGS: PREL MARR AR\nnote of the new areas of cooperation.", subject=""), "header.tags",
     ["PREL", "MARR", "AR"]),
    # "1. (C)" glued after the Classified By reasons (08OTTAWA1064), "(S/NF)" (09LONDON2183)
    (cable(cby="Classified By: DCM Terry Breese, reasons 1.4 (b) and (d). 1. (C) \n\nSummary: Canada agrees.",
           body=""), "[(p.number, p.marking, p.text) for p in paragraphs]", [("1", "C", "Summary: Canada agrees.")]),
    (cable(cby="Classified By: Robin Quinville for Reason 1.4 (c)  (S/NF) HMG agrees on the importance.", body=""),
     "[(p.marking, p.text) for p in paragraphs]", [("S/NF", "HMG agrees on the importance.")]),
    # a "Summary" heading right under a glued Classified By line stays in the body (05ANKARA82)
    (cable(subject="SUBJECT: TALKS REF: A. 04 STATE 201785 Classified By: Ambassador Eric S. Edelman for reasons "
                   "1.4 (b) and (d).\nSummary", cby="", body="¶1. (C) Embassy appreciates it.\n"),
     "[(p.heading, p.text) for p in paragraphs]", [("Summary", "Embassy appreciates it.")]),
    # key points glued to the Classified By line, then "2.(C)" under them (09CAIRO2308)
    (cable(cby="Classified By: Donald A. Blome, for reasons 1.4 (b) and (d) -- (SBU) Kifaya protested. -- (C) Fewer "
               "came.\n2.(C) Comment: El Baradei energized them.", body=""),
     "[(p.number, p.marking, p.text) for p in paragraphs]",
     [(None, "SBU", "Kifaya protested."), (None, "C", "Fewer came."), ("2", "C", "Comment: El Baradei energized them.")]),
    # ... but a dangling copy of the paragraph start over the paragraph itself stays in the header (10BRASILIA51)
    (cable(cby="CLASSIFIED BY: Thomas Shannon, Ambassador; REASON: 1.4(D) 1. (C) ",
           body="¶1. (C) During the call.\n\n¶2. (C) Two.\n"),
     "[(p.number, p.marking, p.text) for p in paragraphs]", [("1", "C", "During the call."), ("2", "C", "Two.")]),
    # a keyword glued after the body has begun is no header (09CAIRO1639)
    (cable(eo="", tags="", subject="", cby="", body="ZFR --- ZFR\n\nPlease cancel this message. Cable was sent in "
           "error.\n\nZFR --- ZFR E.O. 12958: N/A TAGS: TBIO KFLU EG\n"), "header.tags", []),
    # --- paragraphs: numbers and markings -------------------------------------------
    (body("¶1. (C) Summary: one.\n\n¶2. (S//NF) Two.\n"), "paragraphs[1].marking", "S//NF"),   # 09CAIRO2084
    (body("1. (C) One.\n\n2. (C/REL TO USA, AUS) Two.\n"), "paragraphs[1].caveats", ["REL"]),
    (body("1. (U//FOUO) One.\n"), "paragraphs[0].sensitivity", "SBU"),
    (body("1. (C) One.\n\n1.A. (S) Sub.\n"), "paragraphs[1].number", "1.A"),
    (body("1.(C) One.\n\n2.(SBU) Two.\n\n3.(SBU) Three.\n"), "paragraphs[2].marking", "SBU"),  # 08TRIPOLI113
    (body("3. (C) Three.\n\n4. C) Four, marking malformed.\n"), "paragraphs[1].number", "4"),
    (body("1. (U) One.\n\n2. Unmarked two.\n"), "paragraphs[1].marking", None),
    # a lettered sub-paragraph with its own marking is a paragraph numbered under its
    # parent, like LABELING.md's "3.A." (09STATE105048) ...
    (body("1. (S) QUESTIONS:\n\nA. (S/NF) WHAT IS HIS VIEW?\n\nB. (S/NF) WHO ARE HIS FRIENDS?\n"),
     "len(paragraphs)", 3),
    (body("1. (S) QUESTIONS:\n\nA. (S/NF) WHAT IS HIS VIEW?\n\nB. (S/NF) WHO ARE HIS FRIENDS?\n"),
     "paragraphs[1].number", "1.A"),
    (body("1. (S) QUESTIONS:\n\nA. (S/NF) WHAT IS HIS VIEW?\n\nB. (S/NF) WHO ARE HIS FRIENDS?\n"),
     "paragraphs[2].marking", "S/NF"),
    (body("1. (S) QUESTIONS:\n\nA. (S/NF) WHAT IS HIS VIEW?\n\nB. (S/NF) WHO ARE HIS FRIENDS?\n"),
     "paragraphs[0].text", "QUESTIONS:"),
    # ... also without a blank line after a sentence's end, "B," for "B." (05NEWDELHI2550, 04THEHAGUE1903)
    (body("2. (C) For these reasons:\n¶A. (C) Today India is aware.\n B, (U) ACTIVITY DATE: July 27.\n"),
     "paragraphs[2].number", "2.B"),
    # ... an unmarked lettered list stays in its paragraph (no classification of its own)
    (body("1. (U) Three points:\n\nA. One.\n\nB. Two.\n"), "len(paragraphs)", 1),
    # an unmarked block glued under a numbered paragraph that opens with a marking (03ANKARA3694)
    (body("1. (C) They asked what to do about AK\nparty).\n\n(C) To declare that the TGS is not on the\n"
          "same wavelength.\n\n2. (C) Two.\n"), "paragraphs[1].marking", "C"),
    (body("1. (C) They asked what to do about AK\nparty).\n\n(C) To declare that the TGS is not on the\n"
          "same wavelength.\n\n2. (C) Two.\n"), "paragraphs[1].text", "To declare that the TGS is not on the same wavelength."),
    (body("1. (C) They asked what to do about AK\nparty).\n\n(C) To declare that the TGS is not on the\n"
          "same wavelength.\n\n2. (C) Two.\n"), "paragraphs[1].number", None),
    # a marked bullet (03KATHMANDU280)
    (body("1. (C) The following:\n\n-- (C) The GOI is attempting to\nsource arms.\n\n-- (S/NF) At least in Kathmandu.\n"),
     "[p.marking for p in paragraphs]", ["C", "C", "S/NF"]),
    # a list of (A) (B) (C) enumerators is no marking
    (body("1. (U) Options:\n\n(A) Wait.\n\n(B) Act now.\n\n(C) Do both.\n"), "len(paragraphs)", 1),
    # ... the same glued into reflowed lines (03ANKARA3694, 05NEWDELHI2550, 03KATHMANDU280)
    (body("1. (C) They asked what to do about AK party). (C) To declare that the TGS is not on the same wavelength.\n"),
     "paragraphs[1].text", "To declare that the TGS is not on the same wavelength."),
    (body("2. (C) For these reasons: A. (C) Today India is aware. B. (S) India and the US agree.\n"),
     "[p.marking for p in paragraphs]", ["C", "C", "S"]),
    (body("2. (C) For these reasons: A. (C) Today India is aware. B. (S) India and the US agree.\n"),
     "paragraphs[2].number", "2.B"),
    (body("1. (C) Indian views are the following: -- (C) The GOI is attempting to source arms. "
          "-- (S/NF) At least in Kathmandu.\n"), "paragraphs[2].marking", "S/NF"),
    (body("1. (U) Options: (A) Wait. (B) Act now. (C) Do both.\n"), "len(paragraphs)", 1),
    (body("1.A. (S) Sub-numbered paragraph.\n"), "paragraphs[0].number", "1.A"),
    # a second copy of the header wrapped over lines inside a paragraph (02ROME3639)
    (body("1. (C) Text of the first page.\nC O N F I D E N T I A L SECTION 02 OF 03 ROME 003639\n"
          "E.O. 12958: DECL: 07/19/2012\nTAGS: PGOV ECON\nmore text.\n"),
     "paragraphs[0].text", "Text of the first page. more text."),
    # a marked bullet under a line that ends no sentence, caveats in mixed case (09CAIRO549, 09ISLAMABAD365)
    (body("1. Key Points\n-- (SBU) U.S.-Egypt relations are strong.\n--(S/Rel Pak) What is in the past is behind us.\n"),
     "[p.marking for p in paragraphs]", [None, "SBU", "S/Rel Pak"]),
    # numbered items with markings inside a paragraph, reflowed (09ABUDHABI874)
    (body("1. (U) Questions follow. 2. (C) Remittances: Most send 10 percent. 1) (C) BY WHAT CHANNELS? Banks. "
          "2) (S) DOES THE HOST GOVERNMENT MONITOR? Yes.\n"), "[p.number for p in paragraphs]", ["1", "2", "2.1", "2.2"]),
    # sub-numbers without a dot, also where the numbering starts there (05SANJOSE488)
    (body("1. (U) The first paragraph begins at 18A.\n\n18A. (SBU) Costa Rica is a country.\n\n"
          "18B. (SBU) Persons are trafficked.\n"), "[p.number for p in paragraphs]", ["1", "18A", "18B"]),
    # sub-numbers without a dot (05SANJOSE488)
    (body("1. (U) One.\n\n2. (U) Two.\n\n2A. (SBU) Costa Rica is a country.\n\n2B. (SBU) Persons are trafficked.\n"),
     "[p.number for p in paragraphs]", ["1", "2", "2A", "2B"]),
    # a body of lettered blocks with markings, "B," for "B." (04THEHAGUE1903)
    (body("¶A. (U) POST: The Hague.\n\n B, (U) ACTIVITY DATE: July 27.\n\n¶C. (SBU) SUMMARY: DCM responded.\n"),
     "[p.marking for p in paragraphs]", ["U", "U", "SBU"]),
    # "¶0." whose "1" went onto the heading line does not set the sequence back (04BRASILIA1291)
    (body("¶8. (C) Eight.\n\n¶9. (C) Nine.\n\nPKO/HAITI --------- 1\n\n¶0. (C) Ten.\n\n¶11. (SBU) Eleven.\n\n"
          "¶12. (SBU) Twelve.\n"), "[p.number for p in paragraphs]", ["8", "9", "0", "11", "12"]),
    # ... also with no colon after the order (03THEHAGUE2163)
    (body("1. (U) Text. UNCLAS SECTION 01 OF 02 MINSK 000641 E.O. 12958 N/A TAGS: EPET ENRG NL Economics.\n"),
     "paragraphs[0].text", "Text. Economics."),
    # a marking of more than one letter opens a portion after any word (09STATE131801)
    (body("1. (S) Points follow. Saudi Arabia talking points (S/REL USA, SAU) We recognize your efforts.\n"),
     "[p.marking for p in paragraphs]", ["S", "S/REL USA, SAU"]),
    (body("1 (SBU) One.\n"), "paragraphs[0].number", "1"),
    # numbers with their markings glued in reflowed lines may skip (06BUENOSAIRES118)
    (body("1. (C) One.  4.  (C) Miceli continued. 8. (C) Miceli said more.\n"),
     "[p.number for p in paragraphs]", ["1", "4", "8"]),
    # a number with no dot before a marking (04THEHAGUE1833)
    (body("1. (C) One.\n\n2 (C) Balkenende reiterated.\n"), "paragraphs[1].number", "2"),
    # pilcrow number that was "paragraph 3." at a line end (09CAIRO2084)
    (body("1.(U) Please see paragraph\n\n¶3.\n¶2. (S) Two.\n\n¶3. (S) Three.\n"), "paragraphs[0].text",
     "Please see paragraph 3."),
    (body("1.(U) Please see paragraph\n\n¶3.\n¶2. (S) Two.\n\n¶3. (S) Three.\n"), "len(paragraphs)", 3),
    # a marked number right under the Classified By line, no blank (09CAIRO321)
    (cable(cby="Classified By: ECPO Mincouns William R. Stewart for reason 1.4 (b).",
           body="1.(C) We demarched MFA.\n2.(C) Second.\n"), "len(paragraphs)", 2),
    # an unmarked "1) 2) 3)" list inside paragraph 1, then "2.(SBU)" (05SAOPAULO1321)
    (body("\u00b61. (U) The Sao Paulo applicants generally fall into three categories:\n\n"
          "1) young, educated Brazilians (the good),\n\n2) relatives and friends (the bad), and\n\n"
          "3) unqualified intending immigrants (the ugly).\n\n"
          "2.(SBU) From January to November 28, 2005, Sao Paulo interviewed 1,515 H2B cases.\n\n"
          "\u00b63. (U) Sao Paulo sees a large number of mostly young Brazilians.\n"),
     "[p.marking for p in paragraphs]", ["U", "SBU", "U"]),
    (body("\u00b61. (U) Three categories:\n\n1) young (the good),\n\n2) relatives (the bad), and\n\n"
          "3) unqualified (the ugly).\n\n2.(SBU) From January.\n\n\u00b63. (U) Sao Paulo.\n"),
     "paragraphs[0].text", "Three categories: 1) young (the good), 2) relatives (the bad), and 3) unqualified (the ugly)."),
    # a second cable copied into the record numbers from 2 again (08MOSCOW1519)
    (body("5.(C) McCormack said the bigger picture remained unchanged.\n\n6.(C) Update: McCormack called late.\n\n"
          "------------------- BP/AAR Negotiations -------------------\n\n"
          "2.(C) Summers, a UK citizen (please protect), said.\n\n3.(C) Summers said a longer-term resolution.\n\n"
          "4. Summers said the second issue.\n"),
     "[p.number for p in paragraphs]", ["5", "6", "2", "3", "4"]),
    # a line-end number the HTML page made a pilcrow over the next marked paragraph (08ANKARA1417)
    (body("1.(U) This is an action request. Please see para.\n\n\u00b63. \n2.(S) SUMMARY: On August 8, Econoffs met.\n\n"
          "3.(S) ACTION REQUEST: The GOT is investigating.\n"),
     "[p.number for p in paragraphs]", ["1", "2", "3"]),
    (body("1.(U) This is an action request. Please see para.\n\n\u00b63. \n2.(S) SUMMARY: On August 8, Econoffs met.\n\n"
          "3.(S) ACTION REQUEST: The GOT is investigating.\n"),
     "paragraphs[0].text", "This is an action request. Please see para 3."),
    # a marking of several letters at a line start opens a portion after a title line (09STATE131801)
    (body("\u00b67. (U) Saudi Arabia background\n(S/NF) While the Kingdom of Saudi Arabia (KSA) takes seriously\n"
          "the threat of terrorism.\n\n\u00b68. (U) Saudi Arabia talking points\n"
          "(S/REL USA, SAU) We recognize your government's efforts.\n"),
     "[p.marking for p in paragraphs]", ["U", "S/NF", "U", "S/REL USA, SAU"]),
    # ... but not a one-letter "(C)" that may be a wrapped enumerator
    (body("1. (U) The vote turned on three points: (A) timing,\n(B) money and\n(C) Turkish troops.\n"),
     "len(paragraphs)", 1),
    # marked blocks in an unnumbered body, no blank lines between (10BERLIN138)
    (body("Dear Madam Secretary,\n(SBU) I have just returned from a five-day trip to northern\n"
          "Afghanistan and Kabul.\n(C) First and foremost, I came away deeply impressed with the\n"
          "dedication of the German soldiers.\n"),
     "[p.marking for p in paragraphs]", [None, "SBU", "C"]),
    # a number and marking printed twice (07SANJOSE361, 09BRASILIA1142, 08ROME1406): one paragraph
    (body("\u00b61. (C)  1. (C) The next anti-CAFTA protest is scheduled for\nMonday, February 26.\n\n"
          "\u00b62. (U) Both sides are squaring off.\n"),
     "[p.number for p in paragraphs]", ["1", "2"]),
    (body("\u00b69. (C) The Brazilian Air Force is compiling statistics.\n\nRecommendation -------------- \n\n"
          "\u00b610. (C) 8. (C) As noted in ref c, Brazil has maintained adequate safety standards.\n"),
     "paragraphs[1].text", "As noted in ref c, Brazil has maintained adequate safety standards."),
    (body("\u00b69. (C) The Brazilian Air Force is compiling statistics.\n\nRecommendation -------------- \n\n"
          "\u00b610. (C) 8. (C) As noted in ref c, Brazil has maintained adequate safety standards.\n"),
     "[p.number for p in paragraphs]", ["9", "10"]),
    (body("\u00b61. (C) Summary. 1. (C) Summary. The political conditions in Italy are dramatically different.\n\n"
          "\u00b62. (C) Our reenergized cooperation with Berlusconi.\n"),
     "paragraphs[0].text", "Summary. The political conditions in Italy are dramatically different."),
    # REF items glued before the body stay one block: "(C)" after "(B)" enumerates (06SAOPAULO543)
    (body("(B) SAO PAULO 498;\n(C) SAO PAULO 465; (D) BRASILIA 682\n\n1. (U) Federal Deputy Ricardo Izar.\n"),
     "[p.marking for p in paragraphs]", [None, "U"]),
    # a 45-column rule wrapped with five dashes after the space (08STOCKHOLM792)
    (body("1. (C) One. End Summary. Eastern Partnership Held \"Hostage\" to Russia Talks "
          "--------------------------------------------- ----- 2. (C) On November 21, Poloffs met.\n"),
     "[p.text for p in paragraphs]",
     ["One. End Summary.", "On November 21, Poloffs met."]),
    # "Q" for the pilcrow in damaged copies, on its line or glued (09ABUJA2170, 09BAGHDAD2569 family)
    (body("1. (C) One.\n\n2. (C) Asked about the Senior Staff Association of\nQ3. (C) Petroleum and Natural Gas.\n"),
     "[p.marking for p in paragraphs]", ["C", "C", "C"]),
    (body("1. (C) One.\n\n2. (C) Admiral Mullen and General Odierno are of Q3. (S) LTG Austin said that.\n"),
     "paragraphs[2].text", "LTG Austin said that."),
    # a marked bullet after a title in capitals on a reflowed line (09CAIRO1495)
    (body("1. KEY POINTS -- (C) During a July 28 meeting, leaders spoke. -- (U) On October 2, CIHRS wrote.\n"),
     "[p.marking for p in paragraphs]", [None, "C", "U"]),
    # a heading between wrapped rules, the number glued to the second rule (08BUENOSAIRES1706)
    (body('1. (SBU) The paper calls ""tensions."" --------------------------------------------- ---------- '
          "Comment: Taking the High Road --------------------------------------------- ----------2. (SBU) "
          "There was no shortage.\n"),
     "[p.number for p in paragraphs]", ["1", "2"]),
    (body('1. (SBU) The paper calls ""tensions."" --------------------------------------------- ---------- '
          "Comment: Taking the High Road --------------------------------------------- ----------2. (SBU) "
          "There was no shortage.\n"),
     "paragraphs[1].heading", "Comment: Taking the High Road"),
    # a stray "¶4." opens the body, the marked paragraph under it counts (08CAIRO2246)
    (body("\u00b64. \n2.(SBU) SUMMARY: Despite repeated approaches over several months.\n\n"
          "3.(SBU) Embassy Cairo delivered Ref A request.\n"),
     "[p.marking for p in paragraphs]", ["SBU", "SBU"]),
    # ... but a number after one dash is no paragraph's: its marked portion stays apart (07BUENOSAIRES1673)
    (body("1. (U) FM fears exports. ---------------------------------------- Candidate for Governor Offers a "
          "Critique-14.  (U)  Ambassador Wayne met with Senator Jaque.\n"),
     "[p.marking for p in paragraphs]", ["U", "U"]),
    # --- page breaks, SIPDIS, headings, header lines in the body -------------------
    (body("1. (C) Chinese export control\nBEIJING 00002305  002 OF 003\n\nregulations apply.\n"),
     "paragraphs[0].text", "Chinese export control regulations apply."),               # own line
    (body("1. (C) ... proliferation BEIJING 00002305 002 OF 003 regulations apply.\n"),
     "paragraphs[0].text", "... proliferation regulations apply."),                     # glued
    (body("1. (C) the NAC NEW DELHI 00009527 005 OF 005 has asked tribals.\n").replace("MINSK 000641", "NEW DELHI 009527"),
     "paragraphs[0].text", "the NAC has asked tribals."),                               # 05NEWDELHI9527
    (body("1. (C) Secretary Paulson will play important SIPDIS roles in the SED.\n"),
     "paragraphs[0].text", "Secretary Paulson will play important roles in the SED."),  # 07BEIJING1840
    (body("1. (U) Please use the caption SIPDIS in all replies.\n"), "paragraphs[0].text",
     "Please use the caption SIPDIS in all replies."),                                  # 10STATE16219
    # a lower-cased copy prints the caption "Sipdis" on its own line (07KUWAIT808) or glued
    (body("1. (S/NF) Summary: On April 23-24, Treasury Assistant\nSecretary for Terrorist Financing and Financial Crimes\n"
          "\nSipdis\nPatrick O'Brien met with senior GOK officials.\n"), "paragraphs[0].text",
     "Summary: On April 23-24, Treasury Assistant Secretary for Terrorist Financing and Financial Crimes "
     "Patrick O'Brien met with senior GOK officials."),
    (body("1. (C) Secretary Paulson will play important Sipdis roles in the SED.\n"),
     "paragraphs[0].text", "Secretary Paulson will play important roles in the SED."),
    (body("1. (C) One. End Summary.\n\n------- Tunnel Openings -------\n\n2. (C) Two.\n"),
     "paragraphs[1].heading", "Tunnel Openings"),
    (body("1. (C) One.\n\nComment -------\n\n2. (C) Two.\n"), "paragraphs[1].heading", "Comment"),  # 08RIODEJANEIRO91
    (body("1. (C) One. Haiti ----- 2 (C) The Ambassador briefed.\n"), "paragraphs[1].heading", "Haiti"),  # 10MADRID49
    (body("1. (C) One. Haiti ----- 2 (C) The Ambassador briefed.\n"), "paragraphs[0].text", "One."),
    (body("1. (C) One sentence. End Comment. 2. (U) This message was cleared.\n"), "len(paragraphs)", 2),
    (body("1. (C) One.\n\n--------------------------------------------- -- Arab-South America Summit "
          "--------------------------------------------- --\n\n2. (C) Two.\n"),
     "paragraphs[1].heading", "Arab-South America Summit"),                             # 09BRASILIA391
    (body("C O N F I D E N T I A L SECTION 01 OF 02 MINSK 000641 SIPDIS E.O. 12958: DECL: 06/16/2016 "
          "TAGS: PGOV PINR\n\n1. (C) One.\n"), "len(paragraphs)", 1),                       # 08BERLIN1108
    (body("1. (C) Text ends here. WOOD Classified By: DCM Milton K. Drucker, Reasons: 1.4 B...\n"),
     "paragraphs[0].text", "Text ends here."),                                          # 06BOGOTA1082
    (body("1. (C) Text ends here. WOOD Classified By: DCM Milton K. Drucker, Reasons: 1.4 B...\n"),
     "header.signer", "WOOD"),
    (body("1. (C) One.\n\n2. (C) Two.\n\nMUSSOMELI\n\n=====CABLE ENDS=====\n"), "header.signer", "MUSSOMELI"),
    (body("1. (C) One.\n\n2. (C) Two.\n\n=====CABLE ENDS=====\n"), "paragraphs[1].text", "Two."),  # 02BOGOTA3281
    # --- paragraph starts and markings glued or shaped oddly (issue 3's last left-overs) ----
    # a short dashed heading glued before the number (04BRUSSELS4944)
    (body("1. (C) One.\n\nESDP ---- 2. (SBU) Lengthy Conclusions have been agreed.\n"),
     "[(p.number, p.marking, p.heading) for p in paragraphs]", [("1", "C", None), ("2", "SBU", "ESDP")]),
    # after a closing curly quote (05DUBLIN143), after table digits, "(U)." (08BUENOSAIRES62)
    (body("1. (C) One.\n\n2. (C) He said \u201coff the pitch.\u201d 3. (C) Another idea.\n"),
     "[p.text for p in paragraphs]", ["One.", "He said \u201coff the pitch.\u201d", "Another idea."]),
    (body("1. (U) Fleming 590, San Isidro 4793- 6766 2. (U). MEDICAL EMERGENCIES: 107\n"),
     "[(p.number, p.text) for p in paragraphs]", [("1", "Fleming 590, San Isidro 4793- 6766"),
                                                  ("2", "MEDICAL EMERGENCIES: 107")]),
    # "12, (C)" and three spaces before the marking (08MOSCOW1647, 10BUENOSAIRES91)
    (body("1. (C) One. 2, (C) Equipment and Training. 3.   (C)   Virulently anti-American.\n"),
     "[p.number for p in paragraphs]", ["1", "2", "3"]),
    # SUMMARY printed before the marking (07SANJOSE1173)
    (body("\u00b61. SUMMARY (U) Costa Rica's June 1 recognition of the PRC.\n"),
     "[(p.marking, p.text) for p in paragraphs]", [("U", "SUMMARY Costa Rica's June 1 recognition of the PRC.")]),
    # a REL list longer than 40 characters (08STATE98975)
    (body("1. (S/REL BULGARIA, CZECH REPUBLIC, ITALY, POLAND, ROMANIA, SLOVAKIA, SLOVENIA, SPAIN) Washington "
          "requests.\n"), "[(p.sensitivity, p.caveats, p.text) for p in paragraphs]", [("S", ["REL"], "Washington requests.")]),
    # an office symbol is no marking: "(S/CT) funds" (09RABAT408)
    (body("1. (U) Programs:\n\n(S/CT) funds administered by MEPI.\n"), "[p.marking for p in paragraphs]", ["U"]),
    # a marking that ends a paragraph over the next heading marks that heading (07LONDON4328)
    (body("1. (C) The UK urges Iran to act. (C)\n\nUK Banks: No More Sterling -----------\n\n2. (C) UK banks limit.\n"),
     "[(p.text, p.heading) for p in paragraphs]", [("The UK urges Iran to act.", None),
                                                   ("UK banks limit.", "(C) UK Banks: No More Sterling")]),
    # ... and one over a blank line closes its portion (08STATE1265)
    (body("1. Points for all: we wish to initiate a dialogue. (SBU)\n\nEND TALKING POINTS.\n"),
     "[(p.marking, p.text) for p in paragraphs]", [("SBU", "Points for all: we wish to initiate a dialogue. END TALKING POINTS.")]),
    # a numbered, marked line whose words are a dashed title (08ASMARA249, 08LONDON2197)
    (body("4. (C) One.\n\n5. (C) \"WORST EVER\" CONDITIONS ON THE GROUND -----------------\n\nThe ARS leaders said.\n"),
     "[(p.number, p.marking, p.heading, p.text) for p in paragraphs][1]",
     ("5", "C", "\"WORST EVER\" CONDITIONS ON THE GROUND", "The ARS leaders said.")),
    (body("1. (U) One.\n\n2.(U) ----------------- Visit officer ----------------- XXXXXXXXXXXX If calling.\n"),
     "[(p.number, p.marking, p.heading, p.text) for p in paragraphs][1]", ("2", "U", "Visit officer", "XXXXXXXXXXXX If calling.")),
    # dashes inside a sentence stand for a withheld name (05VILNIUS732)
    (body("1. (C) Summary.\n\n2. (C) The July 8 arrest of --------------- by the Service touched off calls.\n"),
     "[(p.marking, p.text) for p in paragraphs][1]", ("C", "The July 8 arrest of --------------- by the Service touched off calls.")),
    # a redaction glued to a rule is text, not a title (08MOSCOW2632)
    (body("9. (C) XXXXXXXXXXX------- \n\nCOMMENT\n------- \n\n10. (C) Opacity is commonplace.\n"),
     "[(p.number, p.text, p.heading) for p in paragraphs]", [("9", "XXXXXXXXXXX", None), ("10", "Opacity is commonplace.", "COMMENT")]),
    # a bullet after a mixed-case title, an em dash, a lower-case letter, letter ranges
    (body("1. Key Points -- (C) In a November 9 meeting the Mufti spoke.\n"),
     "[(p.marking, p.text) for p in paragraphs]", [(None, "Key Points"), ("C", "In a November 9 meeting the Mufti spoke.")]),  # 09CAIRO2176
    (body("1. (C) Workers returned on November 21. -- (SBU) The strike ended.\n"),
     "[p.marking for p in paragraphs]", ["C", "SBU"]),                                   # 09CAIRO2207
    (body("1. (S) Summary.\n\n2.Details follow:\n\nALARM AND DETECTION DETAILS\n\na. (S) EXBS FSN received a call.\n"),
     "[(p.number, p.marking) for p in paragraphs]", [("1", "S"), ("1.a", "S")]),  # 09MOSCOW2943
    (body("1. (U) Shelter: F) Unknown.\nG - J) (S//NF) Subject identified himself.\n"),
     "[(p.number, p.marking) for p in paragraphs]", [("1", "U"), ("1.G - J", "S//NF")]),  # 08RANGOON749
    # questionnaire items: roman numerals, "i." answers, "4-12." ranges (09PANAMA171, 10CAIRO209)
    (body("1. (U) A. Anti-American demonstrations?\n \n  i. (U) Yes.\n \n  ii. (U) No.\n\nII. (U) Macro Conflict conditions\n"),
     "[(p.number, p.text) for p in paragraphs]",
     [("1", "A. Anti-American demonstrations?"), ("1.i", "Yes."), ("1.ii", "No."), ("1.II", "Macro Conflict conditions")]),
    (body("\u00b63. (U) Three.\n \n4-12. (U) Official data is not available.\n \n\u00b613. (U) Children are not involved.\n"),
     "[p.number for p in paragraphs]", ["3", "4-12", "13"]),
    # one digit too many: "¶121." after ¶10 (09LONDON2120); a partial copy opening at ¶22 (09STATE93327)
    (body("\u00b610. (C) Ten.\n\nGoldstone Report -------------\n\n\u00b6121. (C/NF) Long noted.\n\n\u00b612. (C) Next.\n"),
     "[(p.number, p.marking) for p in paragraphs]", [("10", "C"), ("121", "C/NF"), ("12", "C")]),
    (body("Cyber Security \n- - - - - - - - \n\n22.(SBU) Cyber security has gained traction.\n\n23.(SBU) More.\n"),
     "[(p.number, p.heading) for p in paragraphs]", [("22", "Cyber Security"), ("23", None)]),
    # a page break split over two lines (09RIODEJANEIRO365)
    (body("4. (C) Four.\n\nMINSK 00000641 002.\n\n2 OF 002 5. (C) In selecting favelas.\n"),
     "[(p.number, p.heading, p.text) for p in paragraphs][1]", ("5", None, "In selecting favelas.")),
    # the WikiLeaks preview box: preview cut with "...", the header again, the body (07MOSCOW3399, 08VILNIUS668)
    (body("\u00b61. (C) Summary: Other Russia's second annual conference was \nn...\n\n"
          "C O N F I D E N T I A L MINSK 000641 SIPDIS E.O. 12958: DECL: 06/16/2016 TAGS: PGOV, PINR\n"
          "SUBJECT: X REF: MINSK 663 1. (C) \nSummary: Other Russia's second annual conference was notable.\n"),
     "[(p.number, p.marking, p.text) for p in paragraphs]",
     [("1", "C", "Summary: Other Russia's second annual conference was notable.")]),
    # a database-dump copy after the signer is left out (08MANAMA306)
    (body("1. (C) " + "Summary text of the cable. " * 12 + "\n\n2.(C) Minister Mirza told CDA.\n\nHENZEL\n\n"
          "0 05/15/2008 3797 ENRG,EPET,PREL,IR,BA OIL MINISTER ON NUCLEAR ENERGY Summary. End Summary.\n"
          "2.(C) Minister Mirza told CDA.\n"), "len(paragraphs)", 2),
    # --- tables keep their cells ----------------------------------------------------
    (body("1. (U) Results:\n\n     Party      Seats\n     PSD        120\n     PNL         65\n"),
     "paragraphs[0].text", "Results: Party Seats PSD 120 PNL 65"),
    # --- classification lines ---------------------------------------------------------
    (cable(cls="UNCLAS E F T O SECTION 01 OF 08 MINSK 000641"), "header.classification.level", "SBU"),  # 09LONDON2622
    (cable(cls="UNCLAS SECTION 01 OF 05 MINSK 000641\n\nDOL FOR ILAB SENSITIVE SIPDIS"),
     "header.classification.level", "SBU"),                                              # 06SAOPAULO357
    (cable(cls="O N F I D E N T I A L SECTION 01 OF 04 MINSK 000641"), "header.classification.level", "C"),  # 09LAGOS14
    (cable(cls="C O N F I D E N T I A L ECTION 01 OF 02 MINSK 000641"), "header.section", "SECTION 01 OF 02"),
    (cable(cls="C O N F I D E N T I A LMINSK 000641"), "header.classification.level", "C"),  # 09CAIRO79
    (cable(cls="UNCLASSIFIED//FOR OFFICIAL USE ONLY MINSK 000641"), "header.classification.level", "SBU"),
    (cable(cls="UNCLAS MINSK 000641 \\"), "header.cable_id", "06MINSK641"),                   # 85BEIRUT1725
]


@pytest.mark.parametrize("text,name,expected", ROWS, ids=[f"{k}:{r[1]}" for k, r in enumerate(ROWS)])
def test_defect_kind(text, name, expected):
    assert field(parse_cable(text), name) == expected


READ_ROWS = [
    # mojibake: UTF-8 read as cp1252 ("Â¶1.", "Embassyâ€™s")
    ("Â¶1. (C) The Embassyâ€™s view.", "¶1. (C) The Embassy\u2019s view."),
    # literal &#x000A; for newlines (HTML drops)
    ("UNCLAS MINSK 000641&#x000A;&#x000A;SUBJECT: X", "UNCLAS MINSK 000641\n\nSUBJECT: X"),
]


@pytest.mark.parametrize("raw,expected", READ_ROWS)
def test_read_repairs(raw, expected):
    padded = ROUTING + raw + "\n"
    assert read_cable_bytes(padded.encode("utf-8"), None) == ROUTING + expected + "\n"


def test_cp1252_file_reads_like_utf8():
    text = cable(body="1. (C) The Embassy\u2019s \u201cview\u201d.\n")
    assert read_cable_bytes(text.encode("cp1252"), None) == text


def test_trailing_backslashes_dropped():
    # every line ending in a backslash (08TASHKENT153, 05MANAMA1672)
    text = cable(body="1. (C) Karimova's appointment was\nconfirmed by note.\n\n2. (C) Two.\n")
    text = "\n".join(ln + " \\" for ln in text.split("\n"))
    c = parse_cable(read_cable_bytes(text.encode("utf-8"), None))
    assert c.paragraphs[0].text == "Karimova's appointment was confirmed by note."
    assert c.header.tags == ["PGOV", "PINR"]
