"""The main-text facts of many pages at once (extract/textfacts.py) against the one-page reading.

The batch joins the pages' texts into buffers of 256 KiB and hashes, tokenises, counts and
ranks them in NumPy; every test here compares it with the plain per-page functions
(``text_fingerprint``, ``top_terms``) and with a regex + ``Counter`` reading written out here,
on hostile texts: lone surrogates, texts past the 32 K-character terms limit, Unicode letters,
digits and marks, words longer than 40 characters cut inside a multi-byte character, empty texts,
crafted hash collisions — in batches cut into chunks at every size.
"""

from __future__ import annotations

import random
import re
from collections import Counter
from datetime import datetime, timezone

import pytest

from linkatlas.extract import textfacts
from linkatlas.extract.fingerprint import text_fingerprint
from linkatlas.extract.html import extract_page
from linkatlas.extract.terms import STOP_WORDS, TEXT_LIMIT, top_terms
from linkatlas.extract.textfacts import _word_hash, text_facts

_PIECES = [
    "alpha ", "Beta ", "gamma", " ", "\n", "\t", "the ", "and ", "über ", "home ", "K", "İ", "ß", "é", "e\u0301",
    "²", "½", "Ⅻ", "東京", "京", "ΣΑΣ ", "ǅ", "\ud800", "\udfff", "\xa0", "\x85", "\u2028", "ﬁ", "\U0001d400",
    "٣", "’", "—", "x_1", "42", "_", "-", "a" * 45, "é" * 41, "ж" * 39 + "x", "\U0001f600", "\ufffd", "\x00",
]


def _hostile_texts(seed: int, count: int) -> list[str]:
    rng = random.Random(seed)
    texts = ["", " ", "a", "ab cd", "one two three", "\ud800", "\ud800 lone surrogate words here"]
    texts += ["".join(rng.choices(_PIECES, k=rng.randrange(0, 80))) for _ in range(count)]
    texts += ["İ" * (TEXT_LIMIT + 10) + " word word", "word " * (TEXT_LIMIT // 4), "é" * 40_000 + " abc",
              "churn " * 3 + "\ud800" + "x" * (TEXT_LIMIT + 5), "".join(rng.choices(_PIECES, k=20_000))]
    return texts


def _by_regex(text: str, limit: int = 24) -> tuple[str, ...]:
    """The definition of top terms, the slow way."""
    words = re.findall(r"[^\W\d_]{3,}", text[:TEXT_LIMIT].lower())
    counts = Counter(word for word in words if word not in STOP_WORDS)
    return tuple(word[:40] for word, _ in counts.most_common(limit))


@pytest.mark.parametrize("chunk_bytes", [1, 64, 5000, textfacts.CHUNK_BYTES])
def test_batch_facts_equal_the_one_page_functions_on_hostile_texts(monkeypatch, chunk_bytes):
    monkeypatch.setattr(textfacts, "CHUNK_BYTES", chunk_bytes)
    texts = _hostile_texts(seed=chunk_bytes, count=600)
    random.Random(1).shuffle(texts)
    batch = text_facts(texts)
    assert len(batch) == len(texts)
    for text, facts in zip(texts, batch):
        assert facts == (*text_fingerprint(text), top_terms(text)), text[:60]
        assert facts[3] == _by_regex(text), text[:60]


def test_term_limit_and_ties_first_seen_first():
    texts = ["zeta alpha zeta beta alpha gamma", "delta " * 3 + "omega " * 3 + "kappa"]
    assert text_facts(texts, limit=2) == [(*text_fingerprint(text), _by_regex(text, 2)) for text in texts]
    assert [facts[3] for facts in text_facts(texts, limit=2)] == [("zeta", "alpha"), ("delta", "omega")]


def _thue_morse(length: int) -> str:
    word = "a"
    while len(word) < length:
        word += word.translate(str.maketrans("ab", "ba"))
    return word


def test_two_different_words_with_one_hash_are_counted_apart():
    word = _thue_morse(1024)
    twin = word.translate(str.maketrans("ab", "ba"))
    assert word != twin and _word_hash(word.encode()) == _word_hash(twin.encode())  # a real collision
    texts = [f"{word} {twin} zebra", f"zebra {twin} {word} {twin}", f"{word} {word} zebra", "plain words"]
    for text, facts in zip(texts, text_facts(texts)):
        assert facts[3] == _by_regex(text), text[-20:]
    assert len(text_facts(texts[:1])[0][3]) == 3  # merged, the pair would be one term


def test_ingest_stores_the_facts_each_page_has_alone(monkeypatch, tmp_path):
    """Pages ingested in batches (text facts settled a chunk at a time) get the facts extract_page
    gives each of them alone."""
    from linkatlas.index.store import open_index
    from linkatlas.ingest import ingest
    from linkatlas.sources.warcwriter import WarcWriter

    monkeypatch.setattr(textfacts, "CHUNK_BYTES", 3000)
    texts = _hostile_texts(seed=7, count=120)
    bodies = {}
    with WarcWriter(tmp_path / "pages.warc.gz") as writer:
        for number, text in enumerate(texts):
            url = f"https://site{number % 7}.example/page{number}"
            escaped = text.encode("utf-8", "surrogatepass").replace(b"&", b"&amp;").replace(b"<", b"&lt;")
            body = b"<html><body><main><p>" + escaped + b"</p></main></body></html>"
            bodies[url] = body
            writer.write_response(url, datetime(2026, 1, 1, tzinfo=timezone.utc), ip="192.0.2.1", status=200, reason="OK",
                                  headers=[("Content-Type", "text/html; charset=utf-8")], body=body)
    with open_index(tmp_path / "index.duckdb") as index:
        summary = ingest(index, [tmp_path / "pages.warc.gz"], progress=False, batch_pages=50)
        rows = index.sql("SELECT url, word_count, text_bytes, fingerprint, terms FROM fetches")
    assert summary.pages == len(texts) and len(rows) == len(texts)
    for url, word_count, text_bytes, fingerprint, terms in rows:
        alone = extract_page(bodies[url], url, content_type="text/html; charset=utf-8")
        assert (word_count, text_bytes, fingerprint, tuple(terms)) == (
            alone.word_count, alone.text_bytes, alone.fingerprint, alone.terms), url


def test_grouping_by_sorted_packed_keys_equals_a_plain_grouping():
    """Words are grouped by sorting their keys with the position packed into the low bits; keys
    that differ only in those bits must still form separate groups (the argsort fallback)."""
    import numpy as np

    from linkatlas.extract.textfacts import _groups

    rng = random.Random(12)
    cases = [[rng.choice([7, 9, 7 << 40, (7 << 40) | 1, (7 << 40) | 2, 2**64 - 1]) for _ in range(size)]
             for size in (1, 2, 3, 5, 40, 300)]
    cases += [[rng.getrandbits(64) for _ in range(500)] + [12345] * 7]
    for values in cases:
        keys = np.array(values, dtype=np.uint64)
        members, starts, counts = _groups(keys)
        groups = [members[start: start + count].tolist() for start, count in zip(starts.tolist(), counts.tolist())]
        expected: dict[int, list[int]] = {}
        for position, value in enumerate(values):
            expected.setdefault(value, []).append(position)
        assert sorted(groups) == sorted(expected.values()), values[:10]


def test_a_page_whose_text_facts_fail_is_counted_and_the_others_are_stored(monkeypatch, tmp_path):
    from linkatlas.index.store import open_index
    from linkatlas.ingest import ingest
    from linkatlas.sources.warcwriter import WarcWriter

    real = textfacts._chunk_facts

    def failing(chunk, limit):  # stands in for a bug that one page's text triggers
        if any(b"poisonword" in data for data, _ in chunk):
            raise ValueError("cannot read this text")
        return real(chunk, limit)

    monkeypatch.setattr(textfacts, "_chunk_facts", failing)
    with WarcWriter(tmp_path / "pages.warc.gz") as writer:
        for number in range(6):
            word = "poisonword" if number == 3 else "fine"
            body = f"<main><p>page {number} has {word} words and more words</p></main>".encode()
            writer.write_response(f"https://site.example/{number}", datetime(2026, 1, 1, tzinfo=timezone.utc),
                                  ip="192.0.2.1", status=200, reason="OK",
                                  headers=[("Content-Type", "text/html")], body=body)
    with open_index(tmp_path / "index.duckdb") as index:
        summary = ingest(index, [tmp_path / "pages.warc.gz"], progress=False)
        rows = dict(index.sql("SELECT url, word_count FROM fetches"))
    assert summary.status == "failed" and summary.errors == 1
    assert summary.counters["ingest/page/text_facts_failed"] == 1
    assert "https://site.example/3: main-text facts failed" in summary.problems[0]
    assert rows == {f"https://site.example/{n}": (None if n == 3 else 8) for n in range(6)}
