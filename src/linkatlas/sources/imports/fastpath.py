"""URLs already in canonical form, and their registrable domains, recognised in Arrow.

Exports hold millions of URLs, nearly all of them already canonical. :func:`canonical_urls`
finds those with RE2 (no Python per row) and gives each its normalized form (a ``/`` added
before an empty path), host and registrable domain; it leaves NULL every URL that
:func:`linkatlas.extract.urls.normalize_url` would change in any other way, for the caller to
send through ``normalize_url`` itself. :func:`registrable_domains` applies the bundled Public
Suffix List to plain ASCII host names in Arrow, with the same rules as
:func:`linkatlas.extract.domains.domain_of` (normal, wildcard and exception rules, both
sections, the implicit ``*`` rule); the hosts it cannot decide alone (IDN ``xn--`` labels, a
last label ending in a digit, which may be an IP address) are left NULL.

``tests/test_import_fastpath.py`` checks both against the Python functions, row by row, on
hostile URLs, every percent-escape and every rule of the list.
"""

from __future__ import annotations

import functools

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from linkatlas.extract.domains import _rules
from linkatlas.extract.urls import MAX_URL_LENGTH

__all__ = ["canonical_urls", "registrable_domains"]

_PCHAR = r"A-Za-z0-9\-._~!$&'()*+,;=:@"
# %XX escapes normalize_url keeps as they are: upper-case hex, not an unreserved character
# (A-Z a-z 0-9 - . _ ~, which it decodes).
_KEPT_ESCAPE = r"%(?:[01][0-9A-F]|2[0-9A-CF]|3[A-F]|40|5[B-E]|60|7[B-DF]|[89A-F][0-9A-F])"
_SEGMENT = rf"(?:(?:[A-Za-z0-9\-_~!$&'()*+,;=:@]|{_KEPT_ESCAPE})(?:[{_PCHAR}]|{_KEPT_ESCAPE})*)?"  # no leading "."
_QUERY = rf"(?:[{_PCHAR}/?]|{_KEPT_ESCAPE})+"
# An absolute URL normalize_url returns unchanged, save a "/" before an empty path or a lone
# query: its own fast path, widened to kept escapes, without a path segment starting with "."
# (dot segments); the host still has to be canonical.
_CANONICAL = rf"^https?://(?P<host>[a-z0-9._\-]+)(?:(?P<slash>/){_SEGMENT}(?:/{_SEGMENT})*)?(?:\?{_QUERY})?$"
_NO_PATH_HOST = r"^(https?://[^/?]*)"
# A host normalize_host returns unchanged, without IDN labels and not ending in a digit.
_PLAIN_HOST = r"^(?:[a-z0-9_-]{1,63}\.)*[a-z0-9_-]{0,62}[a-z_-]$"
_MAX_HOST, _MAX_LABEL = 253, 63
_NORMAL, _WILDCARD, _EXCEPTION, _PARENT = 1, 2, 4, 8  # _PARENT: the name ends some longer rule
_NULL_STRING = pa.scalar(None, pa.string())


@functools.cache
def _suffix_rules() -> tuple[pa.Array, pa.Array, int]:
    """(names, their kind bits, most labels in a name): the rules of the bundled list and the
    names that end them ("uk" for "co.uk", marked _PARENT)."""
    kinds: dict[str, int] = {}
    for bit, table in zip((_NORMAL, _WILDCARD, _EXCEPTION), _rules()):
        for name in table:  # every section counts: domain_of includes the private one
            kinds[name] = kinds.get(name, 0) | bit
            labels = name.split(".")
            for start in range(1, len(labels)):
                parent = ".".join(labels[start:])
                kinds[parent] = kinds.get(parent, 0) | _PARENT
    names = list(kinds)
    labels = max(name.count(".") + 1 for name in names)
    return pa.array(names, pa.binary()), pa.array([kinds[name] for name in names], pa.uint8()), labels


class _Labels:
    """Host names as one byte buffer, and where their labels start, for NumPy."""

    def __init__(self, hosts: pa.Array) -> None:
        hosts = pa.concat_arrays([hosts.cast(pa.binary())])  # offsets from 0
        offsets, data = hosts.buffers()[1:]
        self.offsets = np.frombuffer(offsets, np.int32)[: len(hosts) + 1]
        self.data = np.frombuffer(data, np.uint8)[: self.offsets[-1]] if data is not None else np.zeros(0, np.uint8)
        self.dots = np.flatnonzero(self.data == ord(".")).astype(np.int32)
        self.first_dot = np.searchsorted(self.dots, self.offsets[:-1])
        self.count = np.searchsorted(self.dots, self.offsets[1:]) - self.first_dot + 1  # labels per host

    def shaped(self) -> np.ndarray:
        """Hosts of ``a-z 0-9 - _ .`` that have no empty label and do not end in a digit (maybe an IP)."""
        starts, ends = self.offsets[:-1], self.offsets[1:]
        last = self.data[np.maximum(ends - 1, 0)] if len(self.data) else np.zeros(len(starts), np.uint8)
        first = self.data[np.minimum(starts, max(len(self.data) - 1, 0))] if len(self.data) else last
        shaped = (ends > starts) & (first != ord(".")) & (last != ord(".")) & ((last < ord("0")) | (last > ord("9")))
        doubled = self.dots[1:][np.diff(self.dots) == 1]  # the second dot of ".."
        shaped[np.searchsorted(ends, doubled, side="right")] = False
        return shaped

    def suffixes(self, labels: int | np.ndarray, rows: np.ndarray) -> pa.Array:
        """The last ``labels`` labels of the hosts ``rows`` (at most as many as each has)."""
        count = self.count[rows]
        dot = self.first_dot[rows] + count - 1 - labels  # the dot before the suffix
        starts = np.where(labels < count, self.dots[np.clip(dot, 0, max(len(self.dots) - 1, 0))] + 1,
                          self.offsets[rows]) if len(self.dots) else self.offsets[rows]
        lengths = self.offsets[rows + 1] - starts
        offsets = np.zeros(len(rows) + 1, np.int32)
        np.cumsum(lengths, out=offsets[1:])
        gather = np.repeat(starts - offsets[:-1], lengths) + np.arange(offsets[-1], dtype=np.int32)
        buffers = [None, pa.py_buffer(offsets), pa.py_buffer(self.data[gather])]
        return pa.Array.from_buffers(pa.binary(), len(rows), buffers)


def registrable_domains(hosts: pa.Array) -> pa.Array:
    """``domain_of`` of each host that is a plain ASCII host name in canonical form; NULL for the others."""
    return _plain_domains(hosts, pc.fill_null(pc.match_substring_regex(hosts, _PLAIN_HOST), False).to_numpy(False))


def _plain_domains(hosts: pa.Array, shaped: np.ndarray | None = None) -> pa.Array:
    """Domains of the plain hosts (see :func:`registrable_domains`), NULL for the others; ``hosts``
    hold only ``a-z 0-9 - _ .`` unless ``shaped`` says which are plain but for length and IDN labels."""
    labels = _Labels(hosts)
    if shaped is None:
        shaped = labels.shaped()
    lengths = np.diff(labels.offsets)
    plain = shaped & (lengths <= _MAX_HOST) & ~pc.fill_null(pc.match_substring(hosts, "xn--"), True).to_numpy(False)
    long = np.flatnonzero(plain & (lengths > _MAX_LABEL))  # maybe a label longer than 63
    if len(long):
        plain[long] = pc.fill_null(pc.match_substring_regex(hosts.take(long), _PLAIN_HOST), False).to_numpy(False)
    if not plain.all():
        mask = pa.array(plain)
        found = _plain_domains(hosts.filter(mask)) if plain.any() else pa.array([], pa.string())
        return pc.replace_with_mask(pa.nulls(len(hosts), pa.string()), mask, found)
    names, kinds, max_labels = _suffix_rules()
    count = labels.count
    suffix = np.ones(len(hosts), np.int64)  # labels of the public suffix: the implicit "*" rule
    excepted = np.full(len(hosts), -1, np.int64)
    rows = np.arange(len(hosts), dtype=np.int32)
    for level in range(1, max_labels + 1):  # shortest first: the longest match wins
        found = pc.index_in(labels.suffixes(level, rows), value_set=names)
        kind = pc.fill_null(pc.take(kinds, found), 0).to_numpy()
        wildcard = ((kind & _WILDCARD) > 0) & (count[rows] > level)  # "*.kobe.jp" needs a label before "kobe.jp"
        suffix[rows] = np.where(wildcard, level + 1, np.where((kind & _NORMAL) > 0, level, suffix[rows]))
        excepted[rows] = np.where((kind & _EXCEPTION) > 0, level - 1, excepted[rows])  # an exception prevails
        rows = rows[((kind & _PARENT) > 0) & (count[rows] > level)]  # only these can match a longer rule
        if not len(rows):
            break
    suffix = np.where(excepted >= 0, excepted, suffix)
    everything = np.arange(len(hosts), dtype=np.int32)
    return labels.suffixes(suffix + 1, everything).cast(pa.string())  # a public suffix itself: the host


def canonical_urls(raw: pa.Array) -> tuple[pa.Array, pa.Array, pa.Array]:
    """(url, host, domain) for each URL normalize_url would keep as it is (or only add the "/"
    of an empty path to); all three NULL for any other URL."""
    parts = pc.extract_regex(raw, _CANONICAL)
    clean = pc.and_(pc.is_valid(parts), pc.less_equal(pc.binary_length(raw), MAX_URL_LENGTH))
    host = pc.if_else(clean, parts.field("host"), _NULL_STRING)
    encoded = host.dictionary_encode()
    domain = pc.take(_plain_domains(encoded.dictionary), encoded.indices)  # NULL where not plain
    fast = pc.is_valid(domain)
    url = pc.if_else(fast, raw, _NULL_STRING)
    no_path = pc.and_(fast, pc.equal(parts.field("slash"), ""))
    if pc.any(no_path).as_py():  # "https://a.com" and "https://a.com?q" get their "/"
        with_slash = pc.replace_substring_regex(pc.filter(url, no_path), _NO_PATH_HOST, r"\1/", max_replacements=1)
        url = pc.replace_with_mask(url, no_path, with_slash)
    return url, pc.if_else(fast, host, _NULL_STRING), domain
