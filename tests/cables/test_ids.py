"""Reference ids: canonical form and REF items."""

from __future__ import annotations

import pytest

from pipeline.cables.ids import canonical_id, ref_cable_id


@pytest.mark.parametrize("year,station,serial,expected", [
    ("07", "PHNOM PENH", "001308", "07PHNOMPENH1308"),
    ("00", "ABU DHABI", "005893", "00ABUDHABI5893"),
    (7, "STATE", "123456", "07STATE123456"),
    ("66", "BUENOS AIRES", "2481", "66BUENOSAIRES2481"),
])
def test_canonical_id(year, station, serial, expected):
    assert canonical_id(year, station, serial) == expected


@pytest.mark.parametrize("text,year,expected", [
    ("A. PHNOM PENH 1307", "07", "07PHNOMPENH1307"),
    ("PHNOM PENH 1307", "07", "07PHNOMPENH1307"),
    ("07 STATE 123456", None, "07STATE123456"),
    ("05 SAN JOSE 1746", "06", "05SANJOSE1746"),
    ("THE HAGUE 02316", "06", "06THEHAGUE2316"),
    ("STATE 202978", "07", "07STATE202978"),
    ("08STATE50524", None, "08STATE50524"),
    ("NEUMANN-DORSEY-DEUTSCH EMAIL 8/13/07", "07", None),
    ("STATE 031234Z MAR 07", "07", None),
    ("TELCON EMBOFF-DESK 5/2", "07", None),
    ("ANKARA 6856", None, None),  # no year anywhere: not invented
])
def test_ref_cable_id(text, year, expected):
    assert ref_cable_id(text, year) == expected
