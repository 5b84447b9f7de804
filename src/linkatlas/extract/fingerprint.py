"""A 64-bit simhash of a page's main text, for near-duplicate (scraped, mirrored) pages.

Features are overlapping 3-word shingles. Two texts that share most shingles get
fingerprints a few bits apart; ``hamming(a, b) <= 3`` is the usual near-duplicate test.
Hashing is vectorised with NumPy; only the per-word CRC is a Python-level loop.
"""

from __future__ import annotations

import re
import zlib

import numpy as np

__all__ = ["tokens", "simhash", "hamming"]

_WORD = re.compile(r"\w+")
_BITS = np.arange(64, dtype=np.uint64)
_MIX1 = np.uint64(0xBF58476D1CE4E5B9)
_MIX2 = np.uint64(0x94D049BB133111EB)
_GOLDEN = np.uint64(0x9E3779B97F4A7C15)


def tokens(text: str) -> list[str]:
    return _WORD.findall(text.lower())


def _mix(values: np.ndarray) -> np.ndarray:
    """splitmix64 finaliser: spreads every input bit over all 64 output bits."""
    values = values ^ (values >> np.uint64(30))
    values = values * _MIX1
    values = values ^ (values >> np.uint64(27))
    values = values * _MIX2
    return values ^ (values >> np.uint64(31))


def simhash(words: list[str], shingle: int = 3) -> int | None:
    """Simhash of ``words``; None when the text is too short to fingerprint."""
    if len(words) < shingle:
        return None
    word_hashes = np.fromiter((zlib.crc32(w.encode()) for w in words), dtype=np.uint64, count=len(words))
    with np.errstate(over="ignore"):
        combined = np.zeros(len(words) - shingle + 1, dtype=np.uint64)
        for offset in range(shingle):
            part = word_hashes[offset: offset + len(combined)]
            combined = _mix(combined * _GOLDEN + part)
    bits = (combined[:, None] >> _BITS) & np.uint64(1)
    votes = bits.sum(axis=0, dtype=np.int64) * 2 - len(combined)
    weights = np.left_shift(np.uint64(1), _BITS)
    return int(weights[votes > 0].sum(dtype=np.uint64))


def hamming(a: int, b: int) -> int:
    return (a ^ b).bit_count()
