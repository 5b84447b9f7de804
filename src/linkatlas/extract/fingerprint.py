"""A 64-bit simhash of a page's main text, for near-duplicate (scraped, mirrored) pages.

Features are overlapping 3-word shingles. Two texts that share most shingles get
fingerprints a few bits apart; ``hamming(a, b) <= 3`` is the usual near-duplicate test.

Everything runs in NumPy over the text's UTF-8 bytes, with no Python loop per word: a word is
a run of ASCII letters, digits and ``_`` or of non-ASCII bytes (so UTF-8 letters stay inside
words), and its hash is a polynomial hash computed from prefix sums modulo 2**64.
"""

from __future__ import annotations

import re

import numpy as np

__all__ = ["tokens", "word_hashes", "utf8_word_hashes", "simhash", "text_fingerprint", "utf8_fingerprint", "hamming"]

_WORD = re.compile(r"\w+")
_BITS = np.arange(64, dtype=np.uint64)
_WEIGHTS = np.left_shift(np.uint64(1), _BITS)
_MIX1 = np.uint64(0xBF58476D1CE4E5B9)
_MIX2 = np.uint64(0x94D049BB133111EB)
_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_BASE = 0x100000001B3  # odd, so invertible modulo 2**64
_BASE_INVERSE = pow(_BASE, -1, 2**64)
_WORD_BYTE = np.zeros(256, dtype=bool)
_WORD_BYTE[list(b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_")] = True
_WORD_BYTE[128:] = True
_WORD_STEP = _WORD_BYTE.astype(np.int8)
_BYTE_TERM = np.arange(1, 257, dtype=np.uint64)  # a byte's term in the polynomial hash: its value + 1


def tokens(text: str) -> list[str]:
    """The lowercase words of ``text`` (for callers that want them as strings)."""
    return _WORD.findall(text.lower())


def _powers(base: int, count: int) -> np.ndarray:
    powers = np.full(count, base, dtype=np.uint64)
    powers[0] = 1
    with np.errstate(over="ignore"):
        return np.cumprod(powers, dtype=np.uint64)


_POWER_TABLES: dict[int, np.ndarray] = {}
_MAX_TABLE = 1 << 20


def _power_table(base: int, count: int) -> np.ndarray:
    """base**0 .. base**(count-1) modulo 2**64, from a table grown by doubling and kept (≤ 8 MiB)."""
    if count > _MAX_TABLE:
        return _powers(base, count)
    table = _POWER_TABLES.get(base)
    if table is None or len(table) < count:
        table = _powers(base, min(_MAX_TABLE, max(count, 2 * len(table) if table is not None else 1 << 16)))
        _POWER_TABLES[base] = table
    return table[:count]


def word_hashes(text: str) -> tuple[np.ndarray, int]:
    """(64-bit hash of every lowercase word in order, total UTF-8 bytes of the words)."""
    return utf8_word_hashes(text.lower().encode("utf-8", "replace"))


def utf8_word_hashes(lowercase_utf8: bytes) -> tuple[np.ndarray, int]:
    """:func:`word_hashes` of a text given as the UTF-8 bytes of its lowercase form."""
    data = np.frombuffer(lowercase_utf8, dtype=np.uint8)
    if data.size == 0:
        return np.zeros(0, dtype=np.uint64), 0
    inside = np.zeros(data.size + 2, dtype=np.int8)  # 1 on word bytes, padded with a 0 each side
    np.take(_WORD_STEP, data, out=inside[1:-1])
    edges = inside[1:] - inside[:-1]
    starts = np.flatnonzero(edges == 1)
    if starts.size == 0:
        return np.zeros(0, dtype=np.uint64), 0
    ends = np.flatnonzero(edges == -1)
    with np.errstate(over="ignore"):
        terms = _BYTE_TERM[data]
        terms *= _power_table(_BASE, data.size)
        prefix = np.zeros(data.size + 1, dtype=np.uint64)
        np.cumsum(terms, out=prefix[1:])
        hashes = (prefix[ends] - prefix[starts]) * _power_table(_BASE_INVERSE, data.size)[starts]
    return hashes, int((ends - starts).sum())


def _mix(values: np.ndarray) -> np.ndarray:
    """splitmix64 finaliser: spreads every input bit over all 64 output bits."""
    values = values ^ (values >> np.uint64(30))
    values = values * _MIX1
    values = values ^ (values >> np.uint64(27))
    values = values * _MIX2
    return values ^ (values >> np.uint64(31))


def _simhash(hashes: np.ndarray, shingle: int = 3) -> int | None:
    if len(hashes) < shingle:
        return None
    count = len(hashes) - shingle + 1
    with np.errstate(over="ignore"):
        combined = hashes[:count].copy()
        for offset in range(1, shingle):
            combined *= _GOLDEN
            combined += hashes[offset: offset + count]
        combined = _mix(combined)
    bits = np.unpackbits(combined.view(np.uint8), bitorder="little").reshape(count, 64)  # row: a value's bits
    ones = bits.sum(axis=0, dtype=np.int64 if count >= 1 << 30 else np.int32)
    return int(_WEIGHTS[ones * 2 > count].sum(dtype=np.uint64))


def simhash(words: list[str], shingle: int = 3) -> int | None:
    """Simhash of a word list; None when it is too short to fingerprint."""
    return _simhash(word_hashes(" ".join(words))[0], shingle)


def text_fingerprint(text: str) -> tuple[int, int, int | None]:
    """(word count, UTF-8 bytes of the words, simhash) of a text."""
    return utf8_fingerprint(text.lower().encode("utf-8", "replace"))


def utf8_fingerprint(lowercase_utf8: bytes) -> tuple[int, int, int | None]:
    """:func:`text_fingerprint` of a text given as the UTF-8 bytes of its lowercase form."""
    hashes, text_bytes = utf8_word_hashes(lowercase_utf8)
    return len(hashes), text_bytes, _simhash(hashes)


def hamming(a: int, b: int) -> int:
    return (a ^ b).bit_count()
