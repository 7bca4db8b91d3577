"""Documented source errors: where the corpus metadata and the cable's own
text disagree and the text is right (or the text is damaged beyond reading).

Shapes
------
``SOURCE_ERRORS``: ``[(cable id, field, what the parser reads, why), ...]``
with ``field`` one of ``cable_id``, ``date``, ``level``, ``origin``.
``documented(cable_id, field, ours) -> str | None``: the reason when the row
is there *and* the parser still reads exactly ``ours`` (a parser change that
moves a value makes it undocumented again), else ``None``.

Each row was read off the record's ``raw`` text in
``../shared/corpora/cablegate``; ``tests/cables/test_source_errors.py``
re-checks every row against the corpus.  "Another cable" means the record's
``raw`` holds a different cable than its ``id`` names (its class line gives
another station/serial).
"""

from __future__ import annotations

ANOTHER = "raw text is another cable: class line {}"
CLASS_SAYS = "class line says {} (its paragraph markings agree), metadata says otherwise"
NO_CLASS = "no classification line anywhere in the text"

#: (cable id, field, what we read, why)
SOURCE_ERRORS = [
    # --- raw text of another cable -------------------------------------------------
    ("05MUSCAT679", "level", "C", ANOTHER.format("C O N F I D E N T I A L ... BEIJING 002305")),
    ("05SOFIA1280", "level", "S", ANOTHER.format("S E C R E T ... PARIS 005539")),
    ("05LIMA3609", "level", "C", ANOTHER.format("C O N F I D E N T I A L ... LIMA 003571")),
    ("06AMMAN3564", "cable_id", "06PARIS3564", ANOTHER.format("O N F I D E N T I A L ... PARIS 004247 "
                                                              "under FM AMEMBASSY AMMAN (DE-line serial 3564)")),
    ("07PARIS2725", "cable_id", "07MOSCOW2725", ANOTHER.format("S E C R E T ... MOSCOW 005154")),
    ("07PARIS2725", "level", "S", ANOTHER.format("S E C R E T ... MOSCOW 005154")),
    ("08LAPAZ751", "cable_id", "08BOGOTA751", ANOTHER.format("S E C R E T BOGOTA 004036")),
    ("08LAPAZ751", "level", "S", ANOTHER.format("S E C R E T BOGOTA 004036")),
    ("08LIMA1732", "cable_id", "08MADRID1732", ANOTHER.format("C O N F I D E N T I A L ... MADRID 001132")),
    ("09ASUNCION595", "level", "U", ANOTHER.format("UNCLAS ASUNCION 000561")),
    ("09BANGKOK706", "cable_id", "09TAIPEI320", ANOTHER.format("C O N F I D E N T I A L ... TAIPEI 000320")),
    ("09CHISINAU694", "cable_id", "09ULAANBAATAR694", ANOTHER.format("S E C R E T ULAANBAATAR 000234")),
    ("09HAVANA132", "cable_id", "09MOSCOW512", ANOTHER.format("C O N F I D E N T I A L ... MOSCOW 000512")),
    ("09HAVANA132", "level", "C", ANOTHER.format("C O N F I D E N T I A L ... MOSCOW 000512")),
    ("09MOSCOW1108", "cable_id", "09SHENYANG1108", ANOTHER.format("SE C R E T ... SHENYANG 000004")),
    ("09MOSCOW1108", "level", "S", ANOTHER.format("SE C R E T ... SHENYANG 000004")),
    ("10MEXICO614", "cable_id", "10ISLAMABAD614", ANOTHER.format("S E C R E T ... ISLAMABAD 000416")),
    ("10MEXICO614", "level", "S", ANOTHER.format("S E C R E T ... ISLAMABAD 000416")),
    ("88BAGHDAD28", "cable_id", "88STATE68250", "class line 'S e c r e t state 068250' under FM AMEMBASSY "
                                                "BAGHDAD: the text names a State cable (a drop file name fixes it)"),
    ("88BAGHDAD28", "level", "S", "class line 'S e c r e t', metadata CONFIDENTIAL"),
    # --- garbled ids in the metadata ------------------------------------------------
    ("09SECTION01OF03SANJOSE525", "cable_id", "09SANJOSE525", "metadata id holds the garbled SECTION word"),
    ("09SECTION02OF03QRIPOLI583", "cable_id", None, "metadata id holds the garbled SECTION word; the class line's "
                                                    "station is garbled too ('03QRIPOLI 000583')"),
    ("08SECTION01GF02BISHIEK21", "cable_id", None, "metadata id and class line garbled alike ('SECTION 01 GF 02 "
                                                   "BISHIEK 00Q021'): no serial to read"),
    ("7575LIBREVILLE1895", "cable_id", "75LIBREVILLE1895", "metadata id repeats the year; the class line "
                                                           "prints it once ('75 LIBREVILLE 1895')"),
    ("06REYKJAVIK40", "cable_id", "06REYKJAVIK401", "class line serial damaged ('REYKJAVIK 00040QSITIVE'); the DE "
                                                    "line's #0401 gives 401, the metadata kept the cut 40"),
    ("08ECTION01OF02MANAMA492", "cable_id", "08MANAMA492", "metadata id holds the garbled SECTION word"),
    ("08SCTION02OF02SAOPAULO335", "cable_id", "08SAOPAULO335", "metadata id holds the garbled SECTION word"),
    # --- the text's classification differs from the metadata ----------------------
    ("05BRASILIA369", "level", "SBU", "text: UNCLAS + 'SENSITIVE BUT UNCLASSIFIED'; metadata UNCLASSIFIED"),
    ("05BRASILIA437", "level", "SBU", "text: UNCLAS + 'SENSITIVE BUT UNCLASSIFIED'; metadata UNCLASSIFIED"),
    ("07SANJOSE625", "level", "SBU", "text: UNCLAS + 'SENSITIVE' (corrected copy 'ADDING SENSITIVE CAPTION'); "
                                     "metadata UNCLASSIFIED"),
    ("08RABAT727", "level", "C", CLASS_SAYS.format("CONFIDENTIAL")),
    ("09TBILISI1123", "level", "C", CLASS_SAYS.format("CONFIDENTIAL")),
    ("09RPODUBAI349", "level", "C", CLASS_SAYS.format("CONFIDENTIAL")),
    ("10AMMAN91", "level", "C", CLASS_SAYS.format("CONFIDENTIAL")),
    ("09BRASILIA1321", "level", "U", "class line UNCLAS, no SENSITIVE line; metadata CONFIDENTIAL//NOFORN"),
    ("09CAIRO258", "level", "SBU", "class line UNCLAS + SENSITIVE, (U)/(SBU) paragraphs; metadata SECRET//NOFORN"),
    ("09TRIPOLI868", "level", "U", "class line UNCLAS (with NOFORN, (S/NF) paragraphs): the text contradicts "
                                   "itself; metadata UNCLASSIFIED//FOUO"),
    # --- no class line --------------------------------------------------------------
    ("10BEIJING207", "cable_id", None, "class line redacted ('XXXXXXXXXXXX'): no station and serial"),
    ("07LAPAZ3262", "cable_id", None, NO_CLASS + ": no station and serial for the id"),
    ("08STATE43817", "cable_id", None, NO_CLASS + ": no station and serial for the id"),
    ("09LAPAZ96", "cable_id", None, NO_CLASS + ": no station and serial for the id"),
    ("09SANSALVADOR789", "cable_id", None, NO_CLASS + ": no station and serial for the id"),
    ("10SANSALVADOR37", "cable_id", None, NO_CLASS + ": no station and serial for the id"),
    ("04MADRID4827", "level", None, "partial extract: " + NO_CLASS),
    ("05PARIS4749", "level", None, "partial extract: " + NO_CLASS),
    ("07LAPAZ3262", "level", None, NO_CLASS + " (routing, then SIPDIS and E.O.)"),
    ("08STATE43817", "level", None, NO_CLASS + " (lower-cased copy: 'Sipdis', 'Sensitive' only)"),
    ("09LAPAZ96", "level", None, NO_CLASS),
    ("09SANSALVADOR789", "level", None, NO_CLASS),
    ("09TELAVIV2502", "level", None, NO_CLASS),
    ("10SANSALVADOR37", "level", None, NO_CLASS),
    # --- dates -------------------------------------------------------------------------
    ("08CONAKRY184", "date", "2008-05-12T12:41:00Z", "DTG 121241Z MAY 08 and DE-line julian day 133 agree; "
                                                     "metadata 2008-03-06"),
    ("08STOCKHOLM748", "date", "2008-11-10T16:32:00Z", "DTG 101632Z NOV 08, but the DE line's julian day 312 "
                                                       "(7 Nov) matches the metadata: the DTG day is mistyped; "
                                                       "we report the DTG as printed"),
]

_INDEX = {(cid, name): (ours, why) for cid, name, ours, why in SOURCE_ERRORS}


def documented(cable_id: str, field: str, ours: object) -> str | None:
    """The documented reason for ``(cable_id, field)`` if we still read ``ours``."""
    row = _INDEX.get((cable_id, field))
    if row is None or row[0] != ours:
        return None
    return row[1]


#: Cables whose text is damaged letter by letter (a bad OCR or transmission
#: copy), so that no rule can read their paragraph layout; the corpus report
#: leaves their paragraphs out of the left-over counts and names them.
#: ``tests/cables/test_source_errors.py`` re-checks that each is still garbled.
GARBLED_TEXT: dict[str, str] = {
    "08SECTION01GF02BISHIEK21": "letters replaced throughout: 'Q*  (SBU) SUMEARYQ A s5cce3sfU, libel suit b9 "
                                "Pr%sidejT BakiyeV%s'; class line 'UNCLAS SECTION 01 GF 02 BISHIEK 00Q021'",
}
