"""Registrable domains from the bundled Public Suffix List.

The list ships with linkatlas (``extract/data/public_suffix_list.dat``); it is parsed once,
on first use, and never fetched. Matching follows the algorithm on https://publicsuffix.org/list/:
normal rules, wildcard rules (``*.kobe.jp``), exception rules (``!city.kobe.jp``) which
always prevail, and the implicit ``*`` rule when nothing matches. Rules below the
``===BEGIN PRIVATE DOMAINS===`` marker apply only with ``private=True``.

Hosts and rules are compared in their ASCII form: lowercase, no trailing dot, IDN labels as
punycode (UTS #46 mapping via the ``idna`` package). Every function returns that form.

    >>> registrable_domain("WWW.Example.CO.UK.")
    'example.co.uk'
    >>> split_host("a.b.blogspot.com")
    ('a', 'b', 'blogspot.com')
    >>> domain_of("192.0.2.7")
    '192.0.2.7'
"""

from __future__ import annotations

import functools
import ipaddress
import re
from importlib import resources
from typing import NamedTuple

import idna

from linkatlas.extract.caching import short_key_cache

__all__ = [
    "domain_of",
    "is_ip",
    "normalize_host",
    "public_suffix",
    "registrable_domain",
    "split_host",
    "subnet24",
]

_ICANN = 1
_PRIVATE = 2
_PRIVATE_MARKER = "===BEGIN PRIVATE DOMAINS==="
_ICANN_MARKER = "===BEGIN ICANN DOMAINS==="

_CACHED_HOST = 255  # longer host strings are not remembered (no usable host is longer than 253)
_HOST_RE = re.compile(r"(?:[a-z0-9_-]{1,63}\.)*[a-z0-9_-]{1,63}")
_IDEOGRAPHIC_DOTS = str.maketrans("\u3002\uff0e\uff61", "...")


class _Rules(NamedTuple):
    """Rule name (ASCII form) -> section bits (_ICANN | _PRIVATE)."""

    normal: dict[str, int]
    wildcard: dict[str, int]  # "kobe.jp" stands for the rule "*.kobe.jp"
    exception: dict[str, int]  # "city.kobe.jp" stands for the rule "!city.kobe.jp"


class _Match(NamedTuple):
    host: str  # ASCII form
    starts: tuple[int, ...]  # offset of each label in host
    listed: int | None  # index of the first suffix label per a listed rule, None if none matched

    def suffix_index(self) -> int:
        """Index of the first suffix label, applying the implicit ``*`` rule."""
        return len(self.starts) - 1 if self.listed is None else self.listed


# --- the list ---------------------------------------------------------------------------


@functools.cache
def _rules() -> _Rules:
    path = resources.files("linkatlas.extract").joinpath("data", "public_suffix_list.dat")
    return _parse_rules(path.read_text(encoding="utf-8"))


def _parse_rules(text: str) -> _Rules:
    rules = _Rules({}, {}, {})
    section = _ICANN
    for line in text.splitlines():
        line = line.strip()
        if line.startswith("//"):
            if _PRIVATE_MARKER in line:
                section = _PRIVATE
            elif _ICANN_MARKER in line:
                section = _ICANN
            continue
        if line:
            _add_rule(rules, line.split()[0], section)
    return rules


def _add_rule(rules: _Rules, rule: str, section: int) -> None:
    if rule.startswith("!"):
        table, name = rules.exception, rule[1:]
    elif rule.startswith("*."):
        table, name = rules.wildcard, rule[2:]
    else:
        table, name = rules.normal, rule
    name = _to_ascii(name) or name.lower()
    table[name] = table.get(name, 0) | section


# --- host forms -------------------------------------------------------------------------


@short_key_cache(maxsize=1 << 16, max_chars=_CACHED_HOST)
def normalize_host(host: str) -> str | None:
    """The canonical ASCII form of a URL host, or None if it is not a usable host name.

    Lowercase, one trailing dot removed, IDN labels as punycode (UTS #46 mapping), IPv6
    bracketed and compressed. Labels may only hold ``a-z 0-9 - _`` after conversion, be
    1-63 characters long, and ``xn--`` labels must decode; the whole name is at most 253.
    """
    if host.startswith("["):
        return _bracketed_ipv6(host)
    return _to_ascii(host)


def _to_ascii(host: str) -> str | None:
    if not host.isascii():
        host = _idn_to_ascii(host)
        if host is None:
            return None
    host = host.lower()
    if host.endswith("."):
        host = host[:-1]
    if len(host) > 253 or not _HOST_RE.fullmatch(host):
        return None
    if "xn--" in host and not all(_is_a_label(label) for label in host.split(".")):
        return None
    return host


def _idn_to_ascii(host: str) -> str | None:
    """UTS #46 mapping, then punycode for each non-ASCII label.

    Contextual IDNA2008 rules are not enforced, as browsers don't enforce them either
    (emoji hosts such as ``i❤.ws`` resolve); code points UTS #46 disallows are refused.
    """
    try:
        mapped = idna.uts46_remap(host.translate(_IDEOGRAPHIC_DOTS), std3_rules=False, transitional=False)
    except (idna.IDNAError, UnicodeError):
        return None
    labels = []
    for label in mapped.split("."):
        if not label.isascii():
            if label.startswith("xn--"):
                return None
            label = "xn--" + label.encode("punycode").decode("ascii")
        labels.append(label)
    return ".".join(labels)


def _is_a_label(label: str) -> bool:
    if not label.startswith("xn--"):
        return True
    try:
        decoded = label[4:].encode("ascii").decode("punycode")
        return bool(decoded) and idna.uts46_remap(decoded, std3_rules=False, transitional=False) == decoded
    except (idna.IDNAError, UnicodeError):
        return False


def _bracketed_ipv6(host: str) -> str | None:
    if not host.endswith("]") or "%" in host:
        return None
    try:
        return f"[{ipaddress.IPv6Address(host[1:-1]).compressed}]"
    except ValueError:
        return None


def _lenient_ascii(host: str) -> str | None:
    """ASCII form label by label, keeping (lowercased) labels that cannot be converted."""
    host = host.translate(_IDEOGRAPHIC_DOTS).lower()
    if host.endswith("."):
        host = host[:-1]
    labels = host.split(".")
    if not all(labels):
        return None
    return ".".join(_to_ascii(label) or label for label in labels)


# --- IP addresses -----------------------------------------------------------------------


def _ip_address(host: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    if host.startswith("[") and host.endswith("]"):
        host = host[1:-1]
    elif host.endswith("."):
        host = host[:-1]
    if not (host[-1:].isdigit() or ":" in host):
        return None
    try:
        return ipaddress.ip_address(host)
    except ValueError:
        return None


def is_ip(host: str) -> bool:
    """True for an IPv4 address in dotted-quad form or an IPv6 address, bracketed or not."""
    return bool(host) and _ip_address(host) is not None


def _ip_text(host: str) -> str | None:
    """Canonical text of an IP host; IPv6 keeps its brackets if it came with them."""
    address = _ip_address(host.strip())
    if address is None:
        return None
    if address.version == 6 and host.strip().startswith("["):
        return f"[{address.compressed}]"
    return address.compressed


def subnet24(ip: str) -> str | None:
    """The /24 network of an IPv4 address (``"1.2.3.0/24"``), None for anything else."""
    try:
        address = ipaddress.IPv4Address(ip.strip())
    except (ValueError, AttributeError):
        return None
    return f"{address.compressed.rpartition('.')[0]}.0/24"


# --- matching ---------------------------------------------------------------------------


@short_key_cache(maxsize=1 << 16, max_chars=_CACHED_HOST)
def _match(host: str, private: bool) -> _Match | None:
    """PSL match for a non-IP host, None if the host is empty or has an empty label."""
    ascii_host = normalize_host(host) or _lenient_ascii(host)
    if not ascii_host:
        return None
    starts = _label_starts(ascii_host)
    return _Match(ascii_host, starts, _listed_suffix(ascii_host, starts, _ICANN | _PRIVATE if private else _ICANN))


def _label_starts(host: str) -> tuple[int, ...]:
    starts = [0]
    dot = host.find(".")
    while dot >= 0:
        starts.append(dot + 1)
        dot = host.find(".", dot + 1)
    return tuple(starts)


def _listed_suffix(host: str, starts: tuple[int, ...], sections: int) -> int | None:
    """Index of the first label of the public suffix by the listed rules, longest match first.

    An exception rule prevails over every other rule, so shorter names are still checked
    for exceptions after a normal or wildcard rule matched.
    """
    rules = _rules()
    found = None
    for index, start in enumerate(starts):
        name = host[start:]
        if rules.exception.get(name, 0) & sections:
            return index + 1
        if found is None:
            if index and rules.wildcard.get(name, 0) & sections:
                found = index - 1
            elif rules.normal.get(name, 0) & sections:
                found = index
    return found


def _prepared(host: str | None, private: bool) -> _Match | None:
    if not host or not isinstance(host, str):
        return None
    host = host.strip()
    if not host or is_ip(host):
        return None
    return _match(host, private)


# --- public API -------------------------------------------------------------------------


def public_suffix(host: str | None, *, private: bool = True) -> str | None:
    """The public suffix of ``host`` (``co.uk`` for ``www.example.co.uk``); None for IPs and invalid hosts.

    An unlisted TLD is its own public suffix (the implicit ``*`` rule).
    """
    match = _prepared(host, private)
    if match is None:
        return None
    return match.host[match.starts[match.suffix_index()]:]


def registrable_domain(host: str | None, *, private: bool = True) -> str | None:
    """The public suffix plus one label (``example.co.uk``), None if the host is itself a
    public suffix, an IP address, or not a host name (empty, leading dot, empty label)."""
    match = _prepared(host, private)
    if match is None:
        return None
    index = match.suffix_index()
    return match.host[match.starts[index - 1]:] if index else None


def split_host(host: str, *, private: bool = True) -> tuple[str, str, str]:
    """``(subdomain, domain label, suffix)`` in the manner of tldextract.

    Unlike :func:`public_suffix`, the implicit ``*`` rule is not applied: a host under an
    unlisted TLD has suffix ``""`` and its last label as domain (``("a", "corp", "")`` for
    ``a.corp``). A host that is itself a suffix gives ``("", "", suffix)``, an IP address
    ``("", ip, "")``, and anything unusable ``("", "", "")``.
    """
    ip = _ip_text(host) if host else None
    if ip is not None:
        return "", ip, ""
    match = _prepared(host, private)
    if match is None:
        return "", "", ""
    ascii_host, starts, listed = match
    if listed == 0:
        return "", "", ascii_host
    domain_index = len(starts) - 1 if listed is None else listed - 1
    suffix_start = len(ascii_host) + 1 if listed is None else starts[listed]
    domain_start = starts[domain_index]
    subdomain = ascii_host[: domain_start - 1] if domain_index else ""
    return subdomain, ascii_host[domain_start : suffix_start - 1], ascii_host[suffix_start:]


@short_key_cache(maxsize=1 << 18, max_chars=_CACHED_HOST)
def domain_of(host: str) -> str:
    """The domain linkatlas stores for a page: its registrable domain (private section
    included), else the host itself in canonical form (IP addresses, ``localhost``, a host
    that is itself a public suffix)."""
    registrable = registrable_domain(host)
    if registrable is not None:
        return registrable
    stripped = host.strip()
    return _ip_text(stripped) or normalize_host(stripped) or _lenient_ascii(stripped) or stripped.lower()
