"""What a classifier may know about a paragraph besides its own words.

:class:`ParagraphContext` is a small typed record built from a parsed cable
(:func:`contexts_for`): the cable's classification line (level and caveats),
TAGS, the E.O. reasons of the ``Classified By`` line, the paragraph's place in
the cable (index, count, SUMMARY/COMMENT zone, heading), the text of the
neighbouring paragraphs and the markings of the other paragraphs.  It never
holds the paragraph's own marking.

The cable's level matters most: a paragraph's level is never above its
cable's (``corpora/LABELING.md``), so the sensitivity model reads the level
as a feature and its probabilities above the level are set to 0.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pipeline.records import Cable

from .markings import strip_leading_marking


#: Neighbouring paragraphs are cut to this many characters.
NEIGHBOUR_CHARS = 5000


@dataclass(frozen=True)
class ParagraphContext:
    """Context of one paragraph (all fields optional; the default knows nothing).

    ``cable_level``: U/SBU/C/S/TS of the cable's classification line or None;
    ``index``: 0-based position among the cable's paragraphs; ``prev_text`` /
    ``next_text``: neighbouring paragraph texts, markings removed.
    """

    cable_level: str | None = None
    cable_caveats: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    reasons: tuple[str, ...] = ()
    index: int = 0
    n_paragraphs: int = 1
    zone: str | None = None
    heading: str | None = None
    prev_text: str = ""
    next_text: str = ""
    #: Markings (normalised levels) of the *other* paragraphs of the cable:
    #: the previous and next paragraph's, and all others' (never this one's).
    prev_level: str | None = None
    next_level: str | None = None
    other_levels: tuple[str, ...] = ()

    def marking_tokens(self) -> list[str]:
        """The other paragraphs' markings as tokens (``PM_C``, ``NM_S``, ``OM_SBU``,
        ``OMAX_S``, ``OMIN_U``, ``ONONE``); only heads whose spec asks for
        ``marks`` read them."""
        order = ("U", "SBU", "C", "S", "TS")
        lv = [x for x in self.other_levels if x in order]
        toks = [f"PM_{self.prev_level or 'NONE'}", f"NM_{self.next_level or 'NONE'}"]
        if not lv:
            return toks + ["ONONE"]
        toks += [f"OM_{x}" for x in sorted(set(lv))]
        toks += [f"OMAX_{max(lv, key=order.index)}", f"OMIN_{min(lv, key=order.index)}"]
        # ties go to the higher level: max over a set would pick by string hash
        # order, which differs between processes (PYTHONHASHSEED), so a worker
        # process gave other scores than the flow process
        top = max(set(lv), key=lambda x: (lv.count(x), order.index(x)))
        return toks + [f"OMODE_{top}", f"OALL_{len(set(lv)) == 1}"]

    def tokens(self, text_len: int) -> list[str]:
        """Categorical features as tokens (``LV_C``, ``TAG_PREL``, ``POS_0`` ...)."""
        toks = [f"LV_{self.cable_level or 'NONE'}"]
        toks += [f"CAV_{x}" for x in self.cable_caveats]
        toks += [f"RS_{x}" for x in self.reasons] + [f"RSN_{bool(self.reasons)}"]
        toks += [f"TAG_{x}" for x in self.tags]
        toks += [
            f"POS_{min(self.index, 5)}",
            f"LAST_{self.index == self.n_paragraphs - 1}",
            f"ZONE_{self.zone}",
            f"HEAD_{self.heading is not None}",
            f"NP_{min(self.n_paragraphs // 3, 6)}",
            f"LEN_{min(text_len // 200, 6)}",
        ]
        return toks

    @classmethod
    def from_dict(cls, d: dict[str, Any] | None) -> "ParagraphContext":
        """Build from a plain dict (unknown keys ignored; lists become tuples)."""
        if not d:
            return cls()
        kw = {k: (tuple(v) if isinstance(v, list) else v) for k, v in d.items() if k in cls.__dataclass_fields__}
        return cls(**kw)


def contexts_for(cable: Cable) -> list[ParagraphContext]:
    """One :class:`ParagraphContext` per paragraph of ``cable``, in order."""
    h = cable.header
    texts = [strip_leading_marking(p.text or "")[:NEIGHBOUR_CHARS] for p in cable.paragraphs]
    n = len(texts)
    reasons = tuple(h.classified_by.reasons) if h.classified_by else ()
    levels = [p.sensitivity for p in cable.paragraphs]
    return [
        ParagraphContext(
            cable_level=h.classification.level,
            cable_caveats=tuple(h.classification.caveats),
            tags=tuple(h.tags),
            reasons=reasons,
            index=i,
            n_paragraphs=n,
            zone=p.zone,
            heading=p.heading,
            prev_text=texts[i - 1] if i > 0 else "",
            next_text=texts[i + 1] if i + 1 < n else "",
            prev_level=levels[i - 1] if i > 0 else None,
            next_level=levels[i + 1] if i + 1 < n else None,
            other_levels=tuple(x for j, x in enumerate(levels) if j != i and x),
        )
        for i, p in enumerate(cable.paragraphs)
    ]
