"""Two small page facts for the audit: the main text's top terms and the page's mailto addresses.

- :func:`top_terms` — the commonest content words of a page's main text (lowercase letters
  only, at least three of them, stop words of the common European languages dropped), most
  frequent first. The audit reads a domain's theme from them with an offline keyword method;
  keeping 24 words per fetch instead of the text keeps the index small.
- :func:`mailto_addresses` — addresses of ``mailto:`` links, found in the raw body by a bytes
  regex run only where an "@" follows a "mailto:" (the removal-request helper lists them as
  contacts of the linking site).

Both bound their work: the first 32 K characters of main text, at most 20 addresses.
"""

from __future__ import annotations

import re
from collections import Counter
from operator import itemgetter

import numpy as np

__all__ = ["STOP_WORDS", "top_terms", "top_terms_utf8", "mailto_addresses", "TERMS_PER_PAGE", "MAX_ADDRESSES", "TEXT_LIMIT"]

TERMS_PER_PAGE = 24
MAX_ADDRESSES = 20
TEXT_LIMIT = 32768

_WORD = re.compile(r"[^\W\d_]{3,}")
# a-z and non-ASCII bytes kept, every other byte a space
_SPLIT_ASCII = bytes(byte if 0x61 <= byte <= 0x7A or byte >= 0x80 else 0x20 for byte in range(256))
_TAILS = (b"ailto:", b"AILTO:")
_COLON = ord(":")
_LOWER_M = ord("m")
_TAILS_NO_COLON = tuple(tail[:-1] for tail in _TAILS)
_LOCAL_PART = 64  # the longest local part _ADDRESS reads
_AT_LOOKUPS = 64  # "@" a page may hold before the NumPy scan takes over (plus one per 256 bytes)
_ADDRESS = re.compile(rb"[A-Za-z0-9._%+\-]{1,64}@[A-Za-z0-9\-]{1,63}(?:\.[A-Za-z0-9\-]{1,63}){0,8}\.[A-Za-z]{2,24}")

# Function words of English, German, French, Spanish, Italian, Portuguese and Dutch (3+ letters),
# plus web boilerplate words that say nothing about a site's theme.
STOP_WORDS = frozenset("""
the and for are but not you all any can had her was one our out has him his how its may new now
old see two way who did get let put say she too use that with this from they will would there
their what about which when make like time just know take into year your good some could them
than then look only come over think also back after work first well even want because these give
most were been have more other such here said each does being very much many where why while
should those through before must own same both few off again further once under until above below
between during without within upon onto via per yet nor either neither whose whom itself
der die das und ist den dem des ein eine einer eines einem einen nicht mit von auf für sich auch
als wie bei oder aber nach noch nur wenn über werden wird sind war hat haben zum zur durch diese
dieser dieses kann mehr sie ihr ihre wir uns man schon sehr alle beim unter vor zwischen dass
les des une est pas pour que qui dans sur par plus avec sont mais ont aux ces cette leur leurs
nous vous ils elle elles fait être avoir comme tout tous sans sous entre aussi bien dont où
los las del una por con para que como más pero sus este esta estos estas son ser hay muy sin
sobre entre también desde hasta cuando todo todos nos les
che del della delle degli dei gli una per con non sono come più anche alla alle nel nella
questo questa sua suo loro essere stato tra fra
não uma com para por mais como mas dos das nos nas seu sua são ser está também pelo pela entre
het een van dat die niet zijn voor met aan ook als maar bij nog wel dan naar uit hun deze
home menu search login sign contact privacy policy terms cookie cookies copyright rights reserved
read more click here share tweet comment comments reply posted post posts page pages next previous
www http https com html
""".split())
_COUNT = itemgetter(1)
_STOP_WORDS_UTF8 = frozenset(word.encode("utf-8") for word in STOP_WORDS)


def top_terms(text: str, limit: int = TERMS_PER_PAGE) -> tuple[str, ...]:
    """The ``limit`` commonest content words of ``text`` (ties: first occurrence first)."""
    if not text:
        return ()
    return top_terms_utf8(text[:TEXT_LIMIT].lower().encode("utf-8", "surrogatepass"), limit)


def top_terms_utf8(lowercase_utf8: bytes, limit: int = TERMS_PER_PAGE) -> tuple[str, ...]:
    """:func:`top_terms` of a text given as the UTF-8 bytes of its lowercase form (of at most
    ``TEXT_LIMIT`` characters)."""
    counts = Counter([word for word in _words(lowercase_utf8) if word not in _STOP_WORDS_UTF8])
    # Counter.most_common's order (count, then first seen), by one C sort rather than a Python heap
    commonest = sorted(counts.items(), key=_COUNT, reverse=True)[:limit]
    return tuple(word.decode("utf-8", "surrogatepass")[:40] for word, _ in commonest)


def _words(lowercase_utf8: bytes) -> list[bytes]:
    """The words of a lowercase text (as ``_WORD`` finds them), UTF-8 encoded, in order.

    Bytes split the text at every ASCII byte that is not a-z; only the few pieces holding other
    characters are read with the Unicode regex (its letters are more than a-z).
    """
    data = lowercase_utf8.translate(_SPLIT_ASCII)
    pieces = [piece for piece in data.split() if len(piece) > 2]
    if data.isascii():
        return pieces
    words = []
    for piece in pieces:
        if piece.isascii():
            words.append(piece)
        else:
            found = _WORD.findall(piece.decode("utf-8", "surrogatepass"))
            words.extend(word.encode("utf-8", "surrogatepass") for word in found)
    return words


def mailto_addresses(body: bytes) -> tuple[str, ...]:
    """The distinct ``mailto:`` addresses of a page (scheme in any case), lowercase, sorted (at most 20)."""
    found: set[str] = set()
    starts = _starts_by_at(body, _AT_LOOKUPS + (len(body) >> 8))
    if starts is None:
        starts = _starts_by_vector(body)
    for start in starts:  # the regex runs only where an address may start
        if len(found) >= 4 * MAX_ADDRESSES:
            break
        match = _ADDRESS.match(body, start)
        if match is not None:
            found.add(match.group().decode("ascii").lower())
    return tuple(sorted(found)[:MAX_ADDRESSES])


def _starts_by_at(body: bytes, limit: int) -> list[int] | None:
    """Offsets just after each "mailto:" spelled "m"/"M" + "ailto:" or "AILTO:" that an "@" follows
    within an address's local part, in page order: each "@" is found by ``bytes.find`` (memchr)
    and its local part looked back at; an address has one, so a page has few. None when the page
    holds more than ``limit`` of them (a page of "@" would cost a Python step each)."""
    starts = []
    last = -1
    at = body.find(b"@")
    while at != -1:
        limit -= 1
        if limit < 0:
            return None
        colon = body.rfind(b":", max(at - _LOCAL_PART - 1, 0), at)  # a local part holds no ":"
        if colon > last and colon >= 6 and body[colon - 6] in b"mM" and body.startswith(_TAILS_NO_COLON, colon - 5):
            starts.append(colon + 1)
            last = colon
        at = body.find(b"@", at + 1)
    return starts


def _starts_by_vector(body: bytes) -> list[int]:
    """:func:`_starts_by_at` by one NumPy pass over the colons, whatever the number of "@" (and
    without looking for one)."""
    data = np.frombuffer(body, dtype=np.uint8)
    colons = np.flatnonzero(data[6:] == _COLON) + 6  # colons with six bytes before them
    after_m = (data[colons - 6] | 0x20) == _LOWER_M
    starts = []
    for tail in _TAILS:
        ends_tail = after_m.copy()
        for offset, byte in enumerate(reversed(tail[:-1]), start=1):
            ends_tail &= data[colons - offset] == byte
        starts.extend((colons[ends_tail] + 1).tolist())
    return sorted(starts)
