"""Typed records passed between the pipeline's stages.

The data takes one road: bytes -> text -> :class:`Cable` (header + paragraphs)
-> entities -> predictions -> :class:`CableRecord` -> JSON Lines.  Each stage
takes and returns these plain dataclasses; none holds a model object, so they
pickle cheaply between Prefect tasks and processes.

The JSON form of a :class:`CableRecord` (``to_dict``) is documented by
``pipeline/schema/cable_record.schema.json``.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

#: Classification levels, lowest to highest.  Source: ``LABELING.md`` (the
#: normalisation table) and the markings of E.O. 12958 sec. 1.6.
LEVELS: tuple[str, ...] = ("U", "SBU", "C", "S", "TS")

#: Levels the sensitivity classifier predicts (TS does not occur in the corpus).
SENSITIVITY_LABELS: tuple[str, ...] = ("U", "SBU", "C", "S")


@dataclass
class Classification:
    """A classification: a normalised level plus caveats.

    ``level`` is one of :data:`LEVELS` or ``None`` when unknown; ``caveats``
    are normalised flags such as ``"NOFORN"``, ``"SIPDIS"``, ``"REL"``;
    ``raw`` is the text it was read from.
    """

    level: str | None = None
    caveats: list[str] = field(default_factory=list)
    raw: str | None = None


@dataclass
class ExecutiveOrder:
    """The ``E.O.`` line: order number (``"12958"``) and declassification.

    ``declassify`` is an ISO date (``"2017-10-17"``) where the line gives one,
    else the raw instruction (``"N/A"``, ``"X1"``, ``"25X1"``), else ``None``.
    """

    order: str | None = None
    declassify: str | None = None
    raw: str | None = None


@dataclass
class ClassifiedBy:
    """The ``Classified By:`` line: who classified and the reasons.

    ``reasons`` are E.O. sections as printed but normalised, e.g.
    ``["1.4(b)", "1.4(d)"]``.
    """

    by: str | None = None
    reasons: list[str] = field(default_factory=list)
    raw: str | None = None


@dataclass
class Reference:
    """One item of the REF list.

    ``letter`` is the list letter (``"A"``) or ``None``; ``text`` the item as
    printed (line wraps joined); ``cable_id`` the canonical reference id
    (``"07PHNOMPENH1307"``) when the item is a cable, else ``None``.
    """

    letter: str | None
    text: str
    cable_id: str | None = None


@dataclass
class CableHeader:
    """Everything above the body, plus the signature line.

    ``date`` is ISO 8601 UTC from the DTG line (``170947Z OCT 07`` ->
    ``2007-10-17T09:47:00Z``), ``None`` when the cable carries none (never
    invented).  ``precedence`` is the spelled-out precedence (``"PRIORITY"``,
    ``"IMMEDIATE"``, ``"ROUTINE"``, ``"FLASH"``, ``"NIACT IMMEDIATE"``).
    ``origin`` is the FM line's addressee (``"AMEMBASSY PHNOM PENH"``);
    ``to``/``info`` are addressees with routing indicators and serials removed.
    ``summary``/``comment`` join the text of the paragraphs whose ``zone`` is
    ``"summary"``/``"comment"`` (``None`` when there are none).
    """

    cable_id: str | None = None
    date: str | None = None
    dtg: str | None = None
    precedence: str | None = None
    origin: str | None = None
    to: list[str] = field(default_factory=list)
    info: list[str] = field(default_factory=list)
    classification: Classification = field(default_factory=Classification)
    section: str | None = None
    eo: ExecutiveOrder | None = None
    tags: list[str] = field(default_factory=list)
    subject: str | None = None
    references: list[Reference] = field(default_factory=list)
    classified_by: ClassifiedBy | None = None
    signer: str | None = None
    summary: str | None = None
    comment: str | None = None


@dataclass
class Paragraph:
    """One paragraph of a cable body.

    ``index`` counts paragraphs from 1 in reading order; ``number`` is the
    number as printed (``"3"``, ``"3.A"``) or ``None``.  ``marking`` is the
    raw text inside the parentheses (``"S//NF"``), ``sensitivity`` its
    normalised level (``LABELING.md``), ``caveats`` its flags (``["NF"]``).
    ``text`` has number, marking, page-break lines, SIPDIS lines and hard
    line wraps removed.  ``start``/``end`` are character offsets of the
    paragraph (number included) in the decoded source text.  ``heading`` is
    the dashed section heading printed above the paragraph, if any.
    ``zone`` is ``"summary"`` or ``"comment"`` when the paragraph lies in a
    SUMMARY / COMMENT zone, else ``None``.
    """

    index: int
    number: str | None
    text: str
    start: int
    end: int
    marking: str | None = None
    sensitivity: str | None = None
    caveats: list[str] = field(default_factory=list)
    heading: str | None = None
    zone: str | None = None


@dataclass
class Cable:
    """A parsed cable: header, paragraphs and where it came from.

    ``warnings`` lists recoverable oddities met while parsing (e.g.
    ``"no body paragraphs"``); fatal problems raise
    :class:`pipeline.cables.errors.CableError` instead.
    """

    header: CableHeader
    paragraphs: list[Paragraph]
    source_path: str | None = None
    source_sha256: str | None = None
    warnings: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON form printed by ``cables parse``."""
        return asdict(self)


@dataclass
class Entity:
    """A named entity with character offsets into its paragraph's ``text``.

    ``label`` is an OntoNotes label (PERSON, ORG, GPE, NORP, DATE, ...) or a
    cable label from the project's rules (CABLE_REF, TAG, POST).  ``kb_id``
    carries a canonical form where the rule knows one (the reference id of a
    CABLE_REF).  ``expansion`` is the long form of an acronym the cable
    defines ("MOJ" -> "Ministry of Justice"); ``title`` is the title written
    before a PERSON ("Minister of Justice"), as in the text.
    """

    text: str
    label: str
    start: int
    end: int
    kb_id: str | None = None
    expansion: str | None = None
    title: str | None = None


@dataclass
class BinaryPrediction:
    """A yes/no prediction; ``score`` is P(label is True) in [0, 1]."""

    label: bool
    score: float


@dataclass
class LevelPrediction:
    """A sensitivity prediction: ``label`` in :data:`SENSITIVITY_LABELS`,
    ``scores`` a probability per level summing to 1."""

    label: str
    scores: dict[str, float]


@dataclass
class ParagraphPredictions:
    """The three classifier outputs for one paragraph."""

    commitment: BinaryPrediction
    doubt: BinaryPrediction
    sensitivity: LevelPrediction


@dataclass
class Attribution:
    """Who holds a commitment or a doubt, and (commitment) the action.

    ``holder`` is an entity's text as written, ``"author"`` for the cable's
    drafter or mission, or ``None`` when no candidate was found; ``label``
    its entity label (PERSON, ORG, GPE, NORP, POST), ``"AUTHOR"``, or
    ``"OTHER"`` for a subject phrase that is no entity ("the government");
    ``start``/``end`` its offsets in the paragraph ``text`` (``None`` for the
    author); ``action`` the committed action (words from the cue to the end
    of its clause); ``cue`` the cue word found.  Rules:
    :mod:`pipeline.classify.holders`.
    """

    holder: str | None = None
    label: str | None = None
    start: int | None = None
    end: int | None = None
    action: str | None = None
    cue: str | None = None


@dataclass
class AnnotatedParagraph(Paragraph):
    """A :class:`Paragraph` with its entities and predictions.

    ``commitment_holder`` / ``doubt_holder``: an :class:`Attribution` when
    the paragraph is predicted a commitment / doubt, else ``None``.
    ``sensitivity_flag``: ``"possible under-classification"`` when the
    predicted level is above the paragraph's marking, ``"possible
    over-classification"`` when two or more levels below it, else ``None``
    (:func:`pipeline.classify.flags.sensitivity_flag`).
    """

    entities: list[Entity] = field(default_factory=list)
    predictions: ParagraphPredictions | None = None
    commitment_holder: Attribution | None = None
    doubt_holder: Attribution | None = None
    sensitivity_flag: str | None = None


@dataclass
class Provenance:
    """Where a record came from and what produced it.

    ``models`` maps a model role (``"spacy"``, ``"encoder"``, ``"commitment"``,
    ``"doubt"``, ``"sensitivity"``) to ``{"name": ..., "version": ...}``.
    ``supersedes`` names the earlier record of the same source path when its
    bytes changed: ``{"source_sha256", "cable_id", "output_file"}``.
    """

    source_path: str
    source_sha256: str
    pipeline_version: str
    models: dict[str, dict[str, str]]
    annotated_at: str | None = None
    supersedes: dict[str, str | None] | None = None


@dataclass
class CableRecord:
    """One line of the annotated JSON Lines output: one cable."""

    cable_id: str | None
    header: CableHeader
    paragraphs: list[AnnotatedParagraph]
    provenance: Provenance
    warnings: list[str] = field(default_factory=list)
    #: Acronyms the cable defines, short form -> long form
    #: (:func:`pipeline.nlp.acronyms.cable_acronyms`).
    acronyms: dict[str, str] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON form validated by ``cable_record.schema.json``."""
        return asdict(self)
