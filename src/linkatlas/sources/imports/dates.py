"""Dates as vendor exports write them, including Search Console's localized ones.

ISO dates (``2024-03-05``, ``2024-03-05 14:02:11``, ``2024-03-05T14:02:11Z``) are read the
same everywhere. Otherwise the language of the export's headers decides: numeric dates are
month first in English (``3/5/2024``) and day first in the other languages (``05/03/2024``,
``05.03.2024``); month names and abbreviations are known in en, es, de, fr, pt and it
(``Mar 5, 2024``, ``5 mar. 2024``, ``5. März 2024``, ``5 mars 2024``, ``5 de mar. de 2024``,
``5 mar 2024``). Anything else is None (unknown), never a guess.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from datetime import datetime

__all__ = ["parse_date"]

_MONTHS: dict[str, int] = {}
for _number, _names in enumerate(
    [
        "jan january ene enero januar jän jänner janv janvier janeiro gen gennaio",
        "feb february febrero februar févr fevr février fevrier fev fevereiro febbraio",
        "mar march marzo märz marz mars março marco",
        "apr april abr abril avr avril aprile",
        "may mayo mai maio mag maggio",
        "jun june junio juni juin junho giu giugno",
        "jul july julio juli juil juillet julho lug luglio",
        "aug august ago agosto août aout",
        "sep sept september septiembre setiembre septembre set setembro settembre",
        "oct october octubre okt oktober octobre out outubro ott ottobre",
        "nov november noviembre novembre novembro",
        "dec december dic diciembre dez dezember déc dec décembre decembre dezembro dicembre",
    ],
    start=1,
):
    for _name in _names.split():
        _MONTHS[_name] = _number

_ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?")
_NUMERIC = re.compile(r"(\d{1,4})[./-](\d{1,2})[./-](\d{1,4})")
_WORDS = re.compile(r"[^\W\d_]+|\d+")
_FILLER = {"de", "del", "of", "the", "le", "el", "di"}


@functools.lru_cache(maxsize=1 << 14)
def parse_date(text: str, language: str | None = None) -> datetime | None:
    """The date (and time, when given) in ``text``, or None if it cannot be read for sure."""
    text = text.strip()
    if not text:
        return None
    iso = _ISO.match(text)
    if iso:
        year, month, day, hour, minute, second = (int(g) if g else 0 for g in iso.groups())
        return _make(year, month, day, hour, minute, second)
    numeric = _NUMERIC.fullmatch(text)
    if numeric:
        return _numeric(numeric.groups(), language, dotted="." in text)
    return _named(text)


def _make(year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0) -> datetime | None:
    try:
        return datetime(year, month, day, hour, minute, second)
    except ValueError:
        return None


def _numeric(parts: tuple[str, str, str], language: str | None, dotted: bool) -> datetime | None:
    first, second, third = parts
    if len(first) == 4:
        return _make(int(first), int(second), int(third))
    if len(third) != 4:
        return None
    if language == "en" and not dotted:
        return _make(int(third), int(first), int(second))
    if language is None and not dotted:
        return None  # 03/05/2024 is ambiguous without the language
    return _make(int(third), int(second), int(first))


def _named(text: str) -> datetime | None:
    """``Mar 5, 2024``, ``5. März 2024``, ``5 de mar. de 2024``..."""
    month = year = day = None
    for token in _WORDS.findall(_fold(text)):
        if token.isdigit():
            if len(token) == 4 and year is None:
                year = int(token)
            elif len(token) <= 2 and day is None:
                day = int(token)
            else:
                return None
        elif token in _MONTHS and month is None:
            month = _MONTHS[token]
        elif token not in _FILLER:
            return None
    if None in (month, year, day):
        return None
    return _make(year, month, day)


def _fold(text: str) -> str:
    """Lowercase; accents kept for the month table but also tried without."""
    lowered = text.casefold()
    if any(token in _MONTHS for token in _WORDS.findall(lowered)):
        return lowered
    return "".join(c for c in unicodedata.normalize("NFKD", lowered) if not unicodedata.combining(c))
