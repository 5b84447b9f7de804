"""linkatlas.extract.domains against the official PSL vectors, tldextract's and cc-webgraph's.

The vector files are copies in tests/data/psl/ (origins and licenses in its README.txt);
the list is the one bundled with linkatlas.
"""

from __future__ import annotations

import ipaddress
import json
from collections import Counter
from pathlib import Path

import idna
import pytest

from linkatlas.extract import domains
from linkatlas.extract.domains import (
    domain_of,
    is_ip,
    normalize_host,
    public_suffix,
    registrable_domain,
    split_host,
    subnet24,
)
from linkatlas.extract.urls import extract_host

PSL_DATA = Path(__file__).parent / "data" / "psl"


def ascii_form(name: str) -> str:
    """The form linkatlas returns names in: lowercase, IDN labels as punycode.

    Uses the idna package directly rather than linkatlas code; names idna refuses (the
    deliberately broken punycode in tldextract's vectors) are only lowercased, as
    linkatlas keeps such labels.
    """
    try:
        return idna.encode(name, uts46=True, transitional=False).decode("ascii")
    except idna.IDNAError:
        return name.lower()


# --- publicsuffix/list tests/tests.txt --------------------------------------------------


def official_vectors() -> list[tuple[str | None, str | None]]:
    cases = []
    for line in (PSL_DATA / "tests.txt").read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line or line.startswith("//"):  # commented-out vectors are not cases
            continue
        host, expected = line.split()
        cases.append((None if host == "null" else host, None if expected == "null" else expected))
    return cases


def test_official_vectors_are_all_read():
    assert len(official_vectors()) == 78


@pytest.mark.parametrize(("host", "expected"), official_vectors(), ids=lambda value: repr(value))
def test_official_psl_vectors(host, expected):
    # The IDN vectors give the expected domain in the same form as the input (食狮.公司.cn or
    # xn--85x722f.xn--55qx5d.cn); linkatlas always answers in ASCII form, so expected
    # values are compared after conversion to punycode (ascii_form).
    expected_ascii = None if expected is None else ascii_form(expected)
    assert registrable_domain(host) == expected_ascii


# --- tldextract tests/main_test.py -------------------------------------------------------


def tldextract_vectors() -> list:
    document = json.loads((PSL_DATA / "tldextract_test_vectors.json").read_text(encoding="utf-8"))
    assert document["count"] == len(document["cases"]) == 74
    return [
        pytest.param(case, id=f"{case['test']}-{number}-{case['input']!r}")
        for number, case in enumerate(document["cases"])
    ]


def comparable(value: str) -> str:
    # tldextract keeps the input's case, unicode and raw newlines in its fields; linkatlas
    # removes ASCII tab/CR/LF from URLs (WHATWG) and answers in ASCII form.
    return ascii_form(value.replace("\n", "").replace("\r", "")) if value else ""


@pytest.mark.parametrize("case", tldextract_vectors())
def test_tldextract_vectors(case):
    # tldextract's default extractor uses ICANN suffixes only; "extractor_variant" names the
    # non-default ones, none of which in this file enables private domains.
    private = "private" in case.get("extractor_variant", "")
    host = extract_host(case["input"])
    subdomain, domain, suffix = split_host(host, private=private)

    if case.get("ipv4") or case.get("ipv6"):
        expected_ip = ipaddress.ip_address(case.get("ipv4") or case["ipv6"])
        assert is_ip(host)
        assert (subdomain, suffix) == ("", "")
        assert ipaddress.ip_address(domain.strip("[]")) == expected_ip  # linkatlas compresses IPv6
        assert registrable_domain(host) is None
        return

    assert not is_ip(host)
    assert (subdomain, domain, suffix) == (comparable(case["subdomain"]), comparable(case["domain"]), comparable(case["suffix"]))
    if case["suffix"]:
        # tldextract's fqdn is set only when both domain and suffix are; with no listed
        # suffix it differs by design (registrable_domain applies the PSL's implicit "*").
        expected_registrable = f"{comparable(case['domain'])}.{comparable(case['suffix'])}" if case["domain"] else None
        assert registrable_domain(host, private=private) == expected_registrable
        assert public_suffix(host, private=private) == comparable(case["suffix"])


# --- cc-webgraph TestHostToDomainGraph.java ----------------------------------------------

WEBGRAPH = json.loads((PSL_DATA / "cc-webgraph_host_to_domain_vectors.json").read_text(encoding="utf-8"))

# (Java test, host vertices, expected domain vertices, options). Options mirror the
# converter's: private = doPrivateDomains, multipart = multiPartSuffixesAsDomains (keep a
# host that is itself a public suffix as its own domain), strip_www = setStripWww.
WEBGRAPH_CASES = [
    ("testConvertNodesSimple", "hostGraphSimple", "domainGraphSimple", {}),
    ("testConvertNodesSimpleCount", "hostGraphSimple", "domainGraphSimple", {}),
    # The Java converter streams and so refuses unsorted input; folding here does not
    # depend on input order, so the unsorted vertices give the sorted result.
    ("testConvertNodesNotSorted", "hostGraphNamesNotSorted", "domainGraphSimple", {}),
    ("testConvertNodesHyphenatedDomains", "hostGraphHyphenatedDomains", "domainGraphHyphenatedDomains", {}),
    (
        "testConvertNodesHyphenatedDomainsSubDomainOnly",
        "hostGraphHyphenatedDomainsSubDomainOnly",
        "domainGraphHyphenatedDomainsSubDomainOnly",
        {},
    ),
    ("testConvertNodesDuplicatedDomain", "hostGraphDuplicatedDomains", "domainGraphDuplicatedDomains", {}),
    (
        "testConvertNodesHyphenatedDomainsIncludingMultiPartSuffixes",
        "hostGraphHyphenatedDomains",
        "domainGraphHyphenatedDomainsInclMultiPartSuffixes",
        {"multipart": True},
    ),
    ("testConvertNodesEnsureSortedOutputA", "hostGraphDomainInSuffixA", "domainGraphDomainInSuffixA", {}),
    ("testConvertNodesEnsureSortedOutputB", "hostGraphDomainInSuffixB", "domainGraphDomainInSuffixB", {}),
    (
        "testConvertPrivateDomain",
        "hostGraphPrivateDomains",
        "domainGraphPrivateDomains",
        {"private": True, "multipart": True},
    ),
    ("testConvertStripWww", "hostGraphWithWwwDomains", "domainGraphWithWwwDomains", {"strip_www": True, "multipart": True}),
    ("testConvertStripWwwEdgeCaseWwwDotCom", "hostGraph", "expectedDomainGraph", {"strip_www": True}),
]
# testDomainComparison checks the Java converter's internal sort comparator only.
WEBGRAPH_NOT_APPLICABLE = {"testDomainComparison"}


def reverse_name(name: str) -> str:
    return ".".join(reversed(name.split(".")))


def fold_host(host: str, *, private: bool, multipart: bool, strip_www: bool) -> str | None:
    if strip_www:
        # Hosts are only merged with their "www." twin, not folded to domains
        # (adam.hiro.name stays); "www." is kept when what remains is a public suffix
        # (www.com), which is how linkatlas reads the Java test's edge case.
        rest = host[4:]
        return rest if host.startswith("www.") and registrable_domain(rest, private=private) else host
    domain = registrable_domain(host, private=private)
    return host if domain is None and multipart else domain


def fold_vertices(lines: list[str], *, private=False, multipart=False, strip_www=False) -> list[str]:
    """Host vertices ("id<TAB>reversed host") to domain vertices ("id<TAB>reversed domain<TAB>hosts")."""
    counts: Counter[str] = Counter()
    for line in lines:
        # Some test hosts end in "," ("com.example.www,"): the comma is part of the raw
        # leftmost label, which registrable_domain keeps and the fold drops.
        host = reverse_name(line.split("\t")[1])
        domain = fold_host(host, private=private, multipart=multipart, strip_www=strip_www)
        if domain is not None:
            counts[reverse_name(domain)] += 1
    return [f"{number}\t{name}\t{counts[name]}" for number, name in enumerate(sorted(counts))]


def test_webgraph_cases_cover_every_java_test():
    covered = {name for name, *_ in WEBGRAPH_CASES} | WEBGRAPH_NOT_APPLICABLE
    assert covered == {test["test"] for test in WEBGRAPH["tests"]}


@pytest.mark.parametrize(("java_test", "hosts", "expected", "options"), WEBGRAPH_CASES, ids=[c[0] for c in WEBGRAPH_CASES])
def test_webgraph_host_to_domain_folding(java_test, hosts, expected, options):
    assert fold_vertices(WEBGRAPH["arrays"][hosts], **options) == WEBGRAPH["arrays"][expected]


# --- linkatlas rules ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("host", "expected"),
    [
        ("www.Example.COM", "example.com"),
        ("www.example.com.", "example.com"),
        ("www.example.com..", None),
        (".example.com", None),
        ("a..example.com", None),
        ("", None),
        ("  www.example.com  ", "example.com"),
        ("www.bücher.de", "xn--bcher-kva.de"),
        ("WWW.BÜCHER.DE", "xn--bcher-kva.de"),
        ("ＷＷＷ．ＥＸＡＭＰＬＥ．ＣＯＭ", "example.com"),
        ("www.example。com", "example.com"),
        ("i❤.ws", "xn--i-7iq.ws"),
        ("a.b.blogspot.com", "b.blogspot.com"),
        ("localhost", None),
        ("co.uk", None),
        ("192.0.2.1", None),
        ("192.0.2.1.", None),
        ("::1", None),
        ("[2001:db8::1]", None),
        ("[2001:DB8::1]", None),
        ("256.1.1.1", "1.1"),  # not an address: a name under the unlisted TLD "1"
    ],
)
def test_registrable_domain(host, expected):
    assert registrable_domain(host) == expected


@pytest.mark.parametrize(
    ("host", "private", "expected"),
    [
        ("a.b.blogspot.com", True, "blogspot.com"),
        ("a.b.blogspot.com", False, "com"),
        ("www.example.co.uk", True, "co.uk"),
        ("intranet", True, "intranet"),  # implicit "*" rule
        ("a.b.c.kobe.jp", True, "c.kobe.jp"),  # wildcard
        ("www.city.kobe.jp", True, "kobe.jp"),  # exception
        ("[::1]", True, None),
        ("", True, None),
    ],
)
def test_public_suffix(host, private, expected):
    assert public_suffix(host, private=private) == expected


def test_private_section_applies_only_when_asked():
    assert registrable_domain("alice.blogspot.com") == "alice.blogspot.com"
    assert registrable_domain("alice.blogspot.com", private=False) == "blogspot.com"
    assert registrable_domain("x.forgot.his.name", private=False) == "his.name"


@pytest.mark.parametrize(
    ("host", "private", "expected"),
    [
        ("forums.news.cnn.com", True, ("forums.news", "cnn", "com")),
        ("a.b.blogspot.com", True, ("a", "b", "blogspot.com")),
        ("a.b.blogspot.com", False, ("a.b", "blogspot", "com")),
        ("co.uk", True, ("", "", "co.uk")),
        ("a.b.corp", True, ("a.b", "corp", "")),  # unlisted TLD: no suffix, tldextract-style
        ("localhost", True, ("", "localhost", "")),
        ("WWW.Bücher.DE.", True, ("www", "xn--bcher-kva", "de")),
        ("127.0.0.1", True, ("", "127.0.0.1", "")),
        ("[::1]", True, ("", "[::1]", "")),
        ("::1", True, ("", "::1", "")),
        (".com", True, ("", "", "")),
        ("", True, ("", "", "")),
    ],
)
def test_split_host(host, private, expected):
    assert split_host(host, private=private) == expected


@pytest.mark.parametrize(
    ("host", "expected"),
    [
        ("WWW.Example.co.uk", "example.co.uk"),
        ("alice.blogspot.com", "alice.blogspot.com"),
        ("localhost", "localhost"),
        ("LOCALHOST.", "localhost"),
        ("co.uk", "co.uk"),
        ("192.0.2.1", "192.0.2.1"),
        ("[2001:DB8:0::1]", "[2001:db8::1]"),
        ("bücher.de", "xn--bcher-kva.de"),
        ("xn--&.so-net.com", "so-net.com"),
    ],
)
def test_domain_of(host, expected):
    assert domain_of(host) == expected


def test_domain_of_is_cached():
    domain_of.cache_clear()
    domain_of("www.example.org")
    domain_of("www.example.org")
    assert domain_of.cache_info().hits == 1
    assert domain_of.cache_info().maxsize >= 100_000


@pytest.mark.parametrize(
    ("host", "expected"),
    [
        ("1.2.3.4", True),
        ("1.2.3.4.", True),
        ("::1", True),
        ("[::1]", True),
        ("[2001:db8::1]", True),
        ("1.2.3", False),
        ("1.2.3.256", False),
        ("127.0.0.0x1", False),
        ("[::1", False),
        ("example.com", False),
        ("", False),
    ],
)
def test_is_ip(host, expected):
    assert is_ip(host) is expected


@pytest.mark.parametrize(
    ("ip", "expected"),
    [("1.2.3.4", "1.2.3.0/24"), ("10.0.0.255", "10.0.0.0/24"), ("::1", None), ("1.2.3", None), ("example.com", None), ("", None)],
)
def test_subnet24(ip, expected):
    assert subnet24(ip) == expected


@pytest.mark.parametrize(
    ("host", "expected"),
    [
        ("Example.COM.", "example.com"),
        ("bücher.de", "xn--bcher-kva.de"),
        ("xn--bcher-kva.de", "xn--bcher-kva.de"),
        ("under_score.example", "under_score.example"),
        ("[::FFFF:1.2.3.4]", "[::ffff:102:304]"),
        ("xn--zckzap6140b352by.example", None),  # undecodable punycode
        ("xn--ü.example", None),
        ("exa\u2028mple.com", None),  # disallowed by UTS #46
        ("a b.com", None),
        ("a..b", None),
        ("", None),
        ("a" * 64 + ".com", None),
        ("[::1", None),
        ("[fe80::1%eth0]", None),
    ],
)
def test_normalize_host(host, expected):
    assert normalize_host(host) == expected


def test_list_is_loaded_once_from_the_package():
    rules = domains._rules()
    assert domains._rules() is rules
    assert "co.uk" in rules.normal
    assert rules.normal["blogspot.com"] == domains._PRIVATE
    assert "kobe.jp" in rules.wildcard and "city.kobe.jp" in rules.exception
    assert "xn--55qx5d.cn" in rules.normal  # 公司.cn, stored in ASCII form
