"""The main-text facts of many pages at once: word count, word bytes, simhash and top terms.

A page's facts are defined one page at a time (:func:`linkatlas.extract.fingerprint.text_fingerprint`,
:func:`linkatlas.extract.terms.top_terms`); computing them that way costs a few dozen NumPy
calls and a Python ``Counter`` per page, which on small pages costs more than the text. Here the
lowercased UTF-8 texts of a batch are joined into one buffer (``CHUNK_BYTES``, 256 KiB, at a
time) and every step runs once over it:

- both tokenisations (simhash words: runs of ASCII letters, digits, ``_`` and non-ASCII bytes;
  term words: runs of three or more letters, Unicode letters included) read the same
  polynomial prefix hash of the buffer, so a word's hash is one subtraction and a multiply;
- simhash shingles never cross a page; their bit votes are summed per page eight bits at a
  time in byte lanes (at most 255 shingles per lane sum, then added up);
- top terms are counted by sorting (page, word hash) keys once, and ordered by (count, first
  occurrence) as ``Counter.most_common`` orders them.

Term words are compared by their 64-bit hash, as the simhash compares shingles: groups of words
longer than 32 bytes are also compared byte by byte (such hashes can be made to collide on
purpose), and a page where two different words share a hash gets its terms the one-page way.
The results equal the one-page functions' (tests/test_textfacts.py).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence

import numpy as np

from linkatlas.extract.fingerprint import _BASE, _BASE_INVERSE, _GOLDEN, _mix, _power_table
from linkatlas.extract.terms import STOP_WORDS, TERMS_PER_PAGE, TEXT_LIMIT, top_terms_utf8

__all__ = ["TextFacts", "EncodedText", "encode_text", "encoded_size", "text_facts", "encoded_text_facts", "CHUNK_BYTES"]

TextFacts = tuple[int, int, "int | None", tuple[str, ...]]  # word count, word bytes, simhash, top terms
EncodedText = tuple[bytes, "bytes | None"]  # see encode_text

CHUNK_BYTES = 1 << 18  # texts are joined into buffers of about this size (256 KiB: a few MB of temporaries)
_MAX_TERM_CHARS = 40
_LANE = np.uint64(0x0101010101010101)  # one bit per byte lane
_LANE_LIMIT = 255  # shingles one byte lane can count
# byte -> 1 or 0 tables for bytes.translate (a C loop, several times faster than NumPy's fancy indexing)
_LETTER_BYTES = bytes(byte in b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ" for byte in range(256))
_WORD_BYTES = bytes(byte in b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_" or byte >= 0x80
                    for byte in range(256))  # the simhash's words: fingerprint.py's _WORD_BYTE
_LETTER = re.compile(r"[^\W\d_]+")
_BLOCK_BITS = 12  # the letter table is filled 4096 code points at a time, when first needed
_TERM_SEPARATOR = b" "
_CHECKED_BYTES = 32  # groups of longer words with one hash are compared byte by byte
_CHARACTER_BYTES = np.ones(256, dtype=np.int64)  # UTF-8 bytes of a character, by its first byte
_CHARACTER_BYTES[0xC0:0xE0] = 2
_CHARACTER_BYTES[0xE0:0xF0] = 3
_CHARACTER_BYTES[0xF0:] = 4


@functools.cache
def _stop_table() -> tuple[np.ndarray, np.uint64, np.uint64]:
    """(table, shift, mask): the stop words' hashes, each at ``(hash >> shift) & mask`` of the
    table (a slice of the hash bits where no two of them fall together), zeros elsewhere."""
    hashes = np.array([_word_hash(word.encode("utf-8")) for word in STOP_WORDS], dtype=np.uint64)
    for bits in range(16, 25):
        mask = np.uint64((1 << bits) - 1)
        for shift in range(0, 65 - bits):
            slots = (hashes >> np.uint64(shift)) & mask
            if np.unique(slots).size == hashes.size:
                table = np.full(1 << bits, hashes[0], dtype=np.uint64)  # a word landing on an empty slot
                table[slots] = hashes  # is a stop word only if its hash is a stop word's
                return table, np.uint64(shift), mask
    raise AssertionError("no collision-free slice of the stop words' hashes")  # pragma: no cover


def _is_stop_word(hashes: np.ndarray) -> np.ndarray:
    table, shift, mask = _stop_table()
    return table[(hashes >> shift) & mask] == hashes


def _word_hash(word: bytes) -> int:
    """The polynomial hash of fingerprint.py: sum of (byte + 1) * BASE**position modulo 2**64."""
    value, power = 0, 1
    for byte in word:
        value = (value + (byte + 1) * power) % 2**64
        power = power * _BASE % 2**64
    return value


class _LetterTable:
    """Which code points ``[^\\W\\d_]`` matches (Python's own reading), block by block."""

    def __init__(self) -> None:
        self.table = np.zeros(0x110000, dtype=bool)
        self.filled = np.zeros(0x110000 >> _BLOCK_BITS, dtype=bool)

    def lookup(self, code_points: np.ndarray) -> np.ndarray:
        blocks = code_points >> _BLOCK_BITS
        if not self.filled[blocks].all():
            self.fill(np.unique(blocks[~self.filled[blocks]]).tolist())
        return self.table[code_points]

    def fill(self, blocks: list[int]) -> None:
        for block in blocks:
            start = block << _BLOCK_BITS
            chars = "".join(map(chr, range(start, start + (1 << _BLOCK_BITS))))
            for match in _LETTER.finditer(chars):
                self.table[start + match.start(): start + match.end()] = True
            self.filled[block] = True


_LETTERS = _LetterTable()


def encode_text(text: str) -> EncodedText:
    """(lowercase UTF-8 bytes the simhash reads, the bytes top terms read when not the same):
    the compact form a page's main text waits in until its batch is computed."""
    lowercase = text.lower()
    try:
        data = lowercase.encode("utf-8")
    except UnicodeEncodeError:  # lone surrogates: "?" for the simhash, kept as such for the terms
        return lowercase.encode("utf-8", "replace"), text[:TEXT_LIMIT].lower().encode("utf-8", "surrogatepass")
    if len(text) <= TEXT_LIMIT:
        return data, None
    return data, text[:TEXT_LIMIT].lower().encode("utf-8", "surrogatepass")


def encoded_size(encoded: EncodedText) -> int:
    return len(encoded[0]) + len(encoded[1] or b"") + 2


def text_facts(texts: Sequence[str], limit: int = TERMS_PER_PAGE) -> list[TextFacts]:
    """(word count, UTF-8 bytes of the words, simhash or None, top ``limit`` terms) of each text,
    the same as ``(*text_fingerprint(text), top_terms(text, limit))`` one by one."""
    return encoded_text_facts([encode_text(text) for text in texts], limit)


def encoded_text_facts(encoded: Sequence[EncodedText], limit: int = TERMS_PER_PAGE) -> list[TextFacts]:
    """:func:`text_facts` of texts given by :func:`encode_text`, ``CHUNK_BYTES`` of text at a time."""
    results: list[TextFacts] = []
    chunk: list[EncodedText] = []
    size = 0
    for item in encoded:
        length = encoded_size(item)
        if chunk and size + length > CHUNK_BYTES:
            results.extend(_chunk_facts(chunk, limit))
            chunk, size = [], 0
        chunk.append(item)
        size += length
    if chunk:
        results.extend(_chunk_facts(chunk, limit))
    return results


class _Buffer:
    """The joined parts of a chunk, with the prefix hash every word hash is read from."""

    def __init__(self, parts: list[bytes]) -> None:
        self.raw = _TERM_SEPARATOR.join(parts)
        lengths = np.fromiter(map(len, parts), dtype=np.int64, count=len(parts))
        self.part_starts = np.zeros(len(parts), dtype=np.int64)
        np.cumsum(lengths[:-1] + 1, out=self.part_starts[1:])
        self.data = np.frombuffer(self.raw, dtype=np.uint8)
        size = self.data.size
        with np.errstate(over="ignore"):
            terms = self.data.astype(np.uint64)
            terms += np.uint64(1)  # a byte's term: its value + 1
            terms *= _power_table(_BASE, size)
            self.prefix = np.zeros(size + 1, dtype=np.uint64)
            np.cumsum(terms, out=self.prefix[1:])
        self.inverse = _power_table(_BASE_INVERSE, size)

    def hashes(self, starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
        with np.errstate(over="ignore"):
            return (self.prefix[ends] - self.prefix[starts]) * self.inverse[starts]

    def part_of(self, starts: np.ndarray) -> np.ndarray:
        """The part each of the (ascending) word ``starts`` lies in."""
        first_words = np.searchsorted(starts, self.part_starts)
        return np.repeat(np.arange(self.part_starts.size), np.diff(np.r_[first_words, starts.size]))


def _runs(mask: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(starts, ends) of the runs of True in a boolean array."""
    padded = np.zeros(mask.size + 2, dtype=np.int8)
    padded[1:-1] = mask
    edges = np.diff(padded)
    return np.flatnonzero(edges == 1), np.flatnonzero(edges == -1)


def _chunk_facts(chunk: list[EncodedText], limit: int) -> list[TextFacts]:
    pages = len(chunk)
    extra = [index for index, (_, terms) in enumerate(chunk) if terms is not None]
    parts = [data for data, _ in chunk] + [chunk[index][1] for index in extra]
    buffer = _Buffer(parts)
    # the page whose terms each part holds (-1: none), parts 0..pages-1 being the pages' simhash texts
    terms_page = np.arange(len(parts), dtype=np.int64)
    terms_page[pages:] = extra
    terms_page[extra] = -1
    counts, text_bytes, fingerprints = _fingerprints(buffer, pages)
    terms, unequal = _top_terms(buffer, terms_page, pages, limit)
    for page in unequal:  # two different words with one hash: counted apart, the plain way
        data, terms_data = chunk[page]
        terms[page] = top_terms_utf8(data if terms_data is None else terms_data, limit)
    return [(counts[page], text_bytes[page], fingerprints[page], terms[page]) for page in range(pages)]


def _fingerprints(buffer: _Buffer, pages: int) -> tuple[list[int], list[int], list[int | None]]:
    inside = np.frombuffer(buffer.raw.translate(_WORD_BYTES), dtype=bool)
    starts, ends = _runs(inside)
    if pages < len(buffer.part_starts):  # words of the parts after the pages' texts are no simhash words
        keep = starts < buffer.part_starts[pages]
        starts, ends = starts[keep], ends[keep]
    page = buffer.part_of(starts)
    counts = np.bincount(page, minlength=pages)
    text_bytes = np.bincount(page, weights=ends - starts, minlength=pages).astype(np.int64)
    fingerprints: list[int | None] = [None] * pages
    if starts.size >= 3:
        hashes = buffer.hashes(starts, ends)
        same_page = page[:-2] == page[2:]
        with np.errstate(over="ignore"):
            combined = hashes[:-2] * _GOLDEN + hashes[1:-1]
            combined = combined[same_page] * _GOLDEN + hashes[2:][same_page]
        shingle_page = page[:-2][same_page]
        if shingle_page.size:
            owners, simhashes = _simhashes(_mix(combined), shingle_page)
            for owner, value in zip(owners.tolist(), simhashes.tolist()):
                fingerprints[owner] = value
    return counts.tolist(), text_bytes.tolist(), fingerprints


def _simhashes(values: np.ndarray, owner: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(owners, simhash of each owner's values) for values grouped by ascending owner: bit ``b``
    is set when more than half of the owner's values have it."""
    group_starts = np.flatnonzero(np.r_[True, owner[1:] != owner[:-1]])
    sizes = np.diff(np.r_[group_starts, owner.size])
    blocks = (sizes - 1) // _LANE_LIMIT + 1  # sub-blocks of at most 255 values: a byte lane's range
    block_starts = np.repeat(group_starts, blocks)
    block_rank = np.arange(block_starts.size) - np.repeat(np.cumsum(blocks) - blocks, blocks)
    block_starts += block_rank * _LANE_LIMIT
    ones = np.empty((block_starts.size, 8, 8), dtype=np.int64)  # [block, bit within byte, byte]
    for bit in range(8):
        lanes = np.add.reduceat((values >> np.uint64(bit)) & _LANE, block_starts)
        ones[:, bit, :] = lanes.astype("<u8", copy=False).view(np.uint8).reshape(-1, 8)
    ones = ones.transpose(0, 2, 1).reshape(block_starts.size, 64)  # column 8 * byte + bit
    if block_starts.size != group_starts.size:
        ones = np.add.reduceat(ones, np.cumsum(blocks) - blocks, axis=0)
    majority = ones * 2 > sizes[:, None]
    packed = np.packbits(majority, axis=1, bitorder="little")
    return owner[group_starts], packed.view("<u8").ravel()


def _term_words(buffer: _Buffer) -> tuple[np.ndarray, np.ndarray]:
    """(starts, ends) of the runs of three or more letters (``[^\\W\\d_]{3,}``) in the buffer."""
    data = buffer.data
    if buffer.raw.isascii():
        starts, ends = _runs(np.frombuffer(buffer.raw.translate(_LETTER_BYTES), dtype=bool))
        keep = ends - starts >= 3
        return starts[keep], ends[keep]
    letters = np.frombuffer(buffer.raw.translate(_LETTER_BYTES), dtype=bool).copy()
    leads = np.flatnonzero(data >= 0xC0)
    padded = np.zeros(data.size + 3, dtype=np.uint8)  # a lead's continuation bytes are always there
    padded[: data.size] = data
    first = padded[leads].astype(np.uint32)
    second, third, fourth = (padded[leads + offset].astype(np.uint32) & 0x3F for offset in (1, 2, 3))
    code_points = np.where(
        first < 0xE0, ((first & 0x1F) << 6) | second,
        np.where(first < 0xF0, ((first & 0x0F) << 12) | (second << 6) | third,
                 ((first & 0x07) << 18) | (second << 12) | (third << 6) | fourth))
    letters[leads] = _LETTERS.lookup(code_points)
    continuation = np.flatnonzero((data & 0xC0) == 0x80)
    for _ in range(3):  # a continuation byte belongs to its lead's character (at most three follow it)
        letters[continuation] = letters[continuation - 1]
    starts, ends = _runs(letters)
    third = starts  # where the third character starts: before the end in a word of three or more
    for _ in range(2):
        third = third + _CHARACTER_BYTES[padded[np.minimum(third, data.size)]]
    keep = third < ends
    return starts[keep], ends[keep]


def _top_terms(buffer: _Buffer, terms_page: np.ndarray, pages: int,
               limit: int) -> tuple[list[tuple[str, ...]], set[int]]:
    """(top terms of each page, the pages where two different words share a hash)."""
    starts, ends = _term_words(buffer)
    page = terms_page[buffer.part_of(starts)]
    hashes = buffer.hashes(starts, ends)
    keep = (page >= 0) & ~_is_stop_word(hashes)
    page, hashes, starts, ends = page[keep], hashes[keep], starts[keep], ends[keep]
    if not page.size:
        return [()] * pages, set()
    with np.errstate(over="ignore"):
        keys = hashes ^ (page.astype(np.uint64) * _GOLDEN)  # one key per (page, word)
    members, group_starts, counts = _groups(keys)
    first = members[group_starts]  # a word's first occurrence on its page
    group_page = page[first]
    ranked_page, ranked_first = _rank(group_page, counts, first, page.size)
    page_start = np.flatnonzero(np.r_[True, ranked_page[1:] != ranked_page[:-1]])
    rank = np.arange(ranked_page.size) - np.repeat(page_start, np.diff(np.r_[page_start, ranked_page.size]))
    chosen = ranked_first[rank < limit]
    words = _decode_words(buffer, starts[chosen], ends[chosen])
    per_page = np.bincount(page[chosen], minlength=pages).tolist()
    found: list[tuple[str, ...]] = []
    position = 0
    for count in per_page:
        found.append(tuple(words[position: position + count]))
        position += count
    return found, _unequal_twins(buffer.raw, starts, ends, members, group_starts, counts, group_page)


def _unequal_twins(raw: bytes, starts: np.ndarray, ends: np.ndarray, members: np.ndarray, group_starts: np.ndarray,
                   counts: np.ndarray, group_page: np.ndarray) -> set[int]:
    """The pages where a group of words with one hash holds different words. Only long words are
    read: a polynomial hash modulo 2**64 is known to collide on crafted strings (Thue-Morse
    words of 1024 letters), short natural words collide with a chance of 2**-64 a pair."""
    first = members[group_starts]
    suspects = np.flatnonzero((counts > 1) & (ends[first] - starts[first] > _CHECKED_BYTES))
    pages = set()
    for suspect, page in zip(suspects.tolist(), group_page[suspects].tolist()):
        group = members[group_starts[suspect]: group_starts[suspect] + counts[suspect]]
        if len({raw[start:end] for start, end in zip(starts[group].tolist(), ends[group].tolist())}) > 1:
            pages.add(page)
    return pages


def _groups(keys: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(members, counts, first): the positions of ``keys`` grouped by value (``members``, one
    group after the other, each in ascending order), the size of each group and its first position.

    Sorting values is several times faster than an argsort: each key's top bits carry its
    position in the low bits; two different keys whose top bits agree (a chance of about
    n**2 / 2**(64 - log2 n)) send the chunk to the argsort."""
    width = int(keys.size).bit_length()
    low = np.uint64((1 << width) - 1)
    packed = np.sort((keys & ~low) | np.arange(keys.size, dtype=np.uint64))
    members = (packed & low).astype(np.int64)
    top = packed >> np.uint64(width)
    same_top = top[1:] == top[:-1]
    member_keys = keys[members]
    if np.any(same_top & (member_keys[1:] != member_keys[:-1])):
        members = np.argsort(keys, kind="stable")
        member_keys = keys[members]
        same_top = member_keys[1:] == member_keys[:-1]
    starts = np.flatnonzero(np.r_[True, ~same_top])
    counts = np.diff(np.r_[starts, keys.size])
    return members, starts, counts


def _rank(group_page: np.ndarray, counts: np.ndarray, first: np.ndarray,
          words: int) -> tuple[np.ndarray, np.ndarray]:
    """(page, first position) of the (page, word) groups in order: by page, then count
    descending, then first occurrence; one sort of keys that hold all three."""
    width = int(words).bit_length()
    if int(group_page.max()).bit_length() + 2 * width > 63:
        order = np.lexsort((first, -counts, group_page))
        return group_page[order], first[order]
    keys = (group_page << (2 * width)) | ((words - counts) << width) | first
    keys.sort()
    return keys >> (2 * width), keys & ((1 << width) - 1)


def _decode_words(buffer: _Buffer, starts: np.ndarray, ends: np.ndarray) -> list[str]:
    """The words at ``starts:ends``, each cut to its first 40 characters, with one decode: a word
    is letters only, so the cut (at 4 bytes a character) may only split its 41st character."""
    ends = np.minimum(ends, starts + 4 * _MAX_TERM_CHARS)
    lengths = ends - starts
    total = int(lengths.sum())
    before = np.cumsum(lengths) - lengths
    source = np.repeat(starts - before, lengths) + np.arange(total)
    target = source + np.repeat(np.arange(lengths.size) - starts + before, lengths)
    joined = np.full(total + lengths.size, ord("\n"), dtype=np.uint8)
    joined[target] = buffer.data[source]
    words = joined.tobytes().decode("utf-8", "ignore").split("\n")
    return [word[:_MAX_TERM_CHARS] for word in words[:-1]]
