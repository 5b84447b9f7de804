"""linkatlas.extract.urls: one table per normalization rule, RFC 3986 resolution, hostile input."""

from __future__ import annotations

import random

import pytest

from linkatlas.extract import urls
from linkatlas.extract.urls import (
    MAX_URL_LENGTH, extract_host, normalize_url, resolve_absolute, resolve_url, url_host, url_parts,
)


def check_normalize(cases):
    return pytest.mark.parametrize(("url", "expected"), cases, ids=[repr(url)[:60] for url, _ in cases])


@check_normalize(
    [
        ("http://EXAMPLE.com:80/a/./b/../c?x=1#f", "http://example.com/a/c?x=1"),
        ("http://example.com/", "http://example.com/"),
        ("https://example.com/a/b?c=d", "https://example.com/a/b?c=d"),
    ]
)
def test_canonical_examples(url, expected):
    assert normalize_url(url) == expected


@check_normalize(
    [
        ("  http://a.com/x  ", "http://a.com/x"),
        ("\x00\x01\x1f http://a.com/x \x0b\x0c", "http://a.com/x"),
        ("ht\ttp://a.\nco\rm/p\na\tth?q\n=1", "http://a.com/path?q=1"),
        ("\n\thttp://a.com/\r\n", "http://a.com/"),
        ("http://a.com/a b", "http://a.com/a%20b"),  # inner space is encoded, not removed
    ]
)
def test_whitespace_and_controls(url, expected):
    assert normalize_url(url) == expected


@check_normalize(
    [
        ("HTTP://a.com/", "http://a.com/"),
        ("HtTpS://a.com/", "https://a.com/"),
        ("javascript:alert(1)", None),
        ("JaVaScRiPt:alert(1)", None),
        (" javascript:alert(1)", None),
        ("java\nscript:alert(1)", None),
        ("mailto:someone@example.com", None),
        ("tel:+15551234567", None),
        ("data:text/html,<b>x</b>", None),
        ("ftp://a.com/file", None),
        ("file:///etc/passwd", None),
        ("httpx://a.com/", None),
        ("//a.com/x", None),
        ("a.com/x", None),
        ("/x", None),
        ("", None),
        ("http:", None),
        ("http://", None),
        ("http:///", None),
        ("http:example.com/x", "http://example.com/x"),  # browsers ignore missing/extra slashes
        ("http:/example.com", "http://example.com/"),
        ("http:///example.com", "http://example.com/"),
    ]
)
def test_scheme(url, expected):
    assert normalize_url(url) == expected


@check_normalize(
    [
        ("http://a.com\\b\\c", "http://a.com/b/c"),
        ("https:\\\\a.com\\x\\y", "https://a.com/x/y"),
        ("http://a.com/x?y\\z", "http://a.com/x?y%5Cz"),  # not in the query
    ]
)
def test_backslash(url, expected):
    assert normalize_url(url) == expected


@check_normalize(
    [
        ("http://user:secret@a.com/", "http://a.com/"),
        ("http://user@a.com:8080/", "http://a.com:8080/"),
        ("http://a@b@c.com/", "http://c.com/"),
        ("http://user:p@ss@a.com/x", "http://a.com/x"),
    ]
)
def test_userinfo_dropped(url, expected):
    assert normalize_url(url) == expected


@check_normalize(
    [
        ("http://WWW.Example.COM/", "http://www.example.com/"),
        ("http://a.com./x", "http://a.com/x"),
        ("http://www.example.com。/", "http://www.example.com/"),
        ("http://bücher.de/", "http://xn--bcher-kva.de/"),
        ("http://BÜCHER.de/", "http://xn--bcher-kva.de/"),
        ("http://xn--bcher-kva.de/", "http://xn--bcher-kva.de/"),
        ("http://ＥＸＡＭＰＬＥ．com/", "http://example.com/"),
        ("http://食狮.公司.cn/", "http://xn--85x722f.xn--55qx5d.cn/"),
        ("http://i❤.ws/", "http://xn--i-7iq.ws/"),
        ("http://ex%41mple.com/", "http://example.com/"),
        ("http://b%C3%BCcher.de/", "http://xn--bcher-kva.de/"),
        ("http://under_score.example.com/", "http://under_score.example.com/"),
        ("http://192.0.2.1/", "http://192.0.2.1/"),
        ("http://localhost:8000/", "http://localhost:8000/"),
        # unusable hosts
        ("http://exa\u2028mple.com/", None),  # invalid IDN: U+2028 is disallowed by UTS #46
        ("http://\ufffd.com/", None),
        ("http://xn--ü.com/", None),
        ("http://xn--zckzap6140b352by.com/", None),  # xn-- label that is not punycode
        ("http://a..b.com/", None),
        ("http://.a.com/", None),
        ("http://a.com../", None),
        ("http://a b.com/", None),
        ("http://a<b.com/", None),
        ("http://a\x00.com/", None),
        ("http://a%00.com/", None),
        ("http://%zz.com/", None),
        ("http://%C3%28.com/", None),  # percent-encoded invalid UTF-8
        ("http://" + "a" * 64 + ".com/", None),  # label longer than 63
        ("http://" + "a." * 127 + "com/", None),  # name longer than 253
        ("http://:80/", None),
        ("http://@/", None),
    ]
)
def test_host(url, expected):
    assert normalize_url(url) == expected


@check_normalize(
    [
        ("http://[::1]/", "http://[::1]/"),
        ("http://[0:0:0:0:0:0:0:1]:8080/x", "http://[::1]:8080/x"),
        ("http://[2001:DB8::1]/", "http://[2001:db8::1]/"),
        ("http://[::ffff:1.2.3.4]/", "http://[::ffff:102:304]/"),
        ("http://[::1", None),
        ("http://[::1/x", None),
        ("http://[::1]x/", None),
        ("http://[not-an-ip]/", None),
        ("http://[fe80::1%25eth0]/", None),
        ("http://::1/", None),
    ]
)
def test_ipv6(url, expected):
    assert normalize_url(url) == expected


@check_normalize(
    [
        ("http://a.com:80/", "http://a.com/"),
        ("https://a.com:443/", "https://a.com/"),
        ("http://a.com:443/", "http://a.com:443/"),
        ("https://a.com:80/", "https://a.com:80/"),
        ("http://a.com:8080/", "http://a.com:8080/"),
        ("http://a.com:0080/", "http://a.com/"),
        ("http://a.com:0/", "http://a.com:0/"),
        ("http://a.com:65535/", "http://a.com:65535/"),
        ("http://a.com:/", "http://a.com/"),
        ("http://a.com:65536/", None),
        ("http://a.com:99999/", None),
        ("http://a.com:-1/", None),
        ("http://a.com:8o/", None),
        ("http://a.com:+80/", None),
        ("http://a.com:٨٠/", None),  # non-ASCII digits
        ("http://a.com:80:80/", None),
    ]
)
def test_port(url, expected):
    assert normalize_url(url) == expected


@check_normalize(
    [
        ("http://a.com", "http://a.com/"),
        ("http://a.com?x=1", "http://a.com/?x=1"),
        ("http://a.com/a/./b/../c", "http://a.com/a/c"),
        ("http://a.com/../../x", "http://a.com/x"),
        ("http://a.com/a/..", "http://a.com/"),
        ("http://a.com/a/.", "http://a.com/a/"),
        ("http://a.com/a/%2E%2e/b", "http://a.com/b"),  # %2E is unreserved, so a dot segment
        ("http://a.com/.well-known/x", "http://a.com/.well-known/x"),
        ("http://a.com/a..b/.c", "http://a.com/a..b/.c"),
        ("http://a.com//x//", "http://a.com//x//"),
        ("http://a.com/a;b=c,d!$&'()*+:@~", "http://a.com/a;b=c,d!$&'()*+:@~"),
    ]
)
def test_path(url, expected):
    assert normalize_url(url) == expected


@check_normalize(
    [
        ("http://a.com/%7euser/%41%62%2d%2E%5F%7E", "http://a.com/~user/Ab-._~"),
        ("http://a.com/%2f%3a%e2%82%ac", "http://a.com/%2F%3A%E2%82%AC"),
        ("http://a.com/%20", "http://a.com/%20"),
        ("http://a.com/a b", "http://a.com/a%20b"),
        ("http://a.com/ü", "http://a.com/%C3%BC"),
        ("http://a.com/日本語", "http://a.com/%E6%97%A5%E6%9C%AC%E8%AA%9E"),
        ("http://a.com/€", "http://a.com/%E2%82%AC"),
        ('http://a.com/"<>`{}|^[]', "http://a.com/%22%3C%3E%60%7B%7D%7C%5E%5B%5D"),
        ("http://a.com/100%", "http://a.com/100%25"),
        ("http://a.com/%zz%4", "http://a.com/%25zz%254"),
        ("http://a.com/%%41", "http://a.com/%25A"),
        ("http://a.com/a\x00b", "http://a.com/a%00b"),
        ("http://a.com/a\x7fb", "http://a.com/a%7Fb"),
        ("http://a.com/\ud800", "http://a.com/%EF%BF%BD"),  # lone surrogate reads as U+FFFD
    ]
)
def test_path_percent_encoding(url, expected):
    assert normalize_url(url) == expected


@check_normalize(
    [
        ("http://a.com/?b=2&a=1", "http://a.com/?b=2&a=1"),  # order kept
        ("http://a.com/?q=%26%3d%2b%2f%3F%23", "http://a.com/?q=%26%3D%2B%2F%3F%23"),
        ("http://a.com/?q=%41%7e%2D", "http://a.com/?q=A~-"),
        ("http://a.com/?q=a+b", "http://a.com/?q=a+b"),
        ("http://a.com/?q=a b", "http://a.com/?q=a%20b"),
        ("http://a.com/?q=é", "http://a.com/?q=%C3%A9"),
        ("http://a.com/?q=日本", "http://a.com/?q=%E6%97%A5%E6%9C%AC"),
        ("http://a.com/?a[]=1&b={x}", "http://a.com/?a%5B%5D=1&b=%7Bx%7D"),
        ("http://a.com/?q=50%", "http://a.com/?q=50%25"),
        ("http://a.com/?q=/./x/../", "http://a.com/?q=/./x/../"),
        ("http://a.com/?a?b", "http://a.com/?a?b"),
        ("http://a.com/?", "http://a.com/"),
        ("http://a.com/x?#f", "http://a.com/x"),
        ("http://a.com/x??", "http://a.com/x??"),
    ]
)
def test_query(url, expected):
    assert normalize_url(url) == expected


@check_normalize(
    [
        ("http://a.com/x#frag", "http://a.com/x"),
        ("http://a.com/#", "http://a.com/"),
        ("http://a.com#?x=1", "http://a.com/"),
        ("http://a.com/?q=1#a?b#c", "http://a.com/?q=1"),
    ]
)
def test_fragment_dropped(url, expected):
    assert normalize_url(url) == expected


def test_length_bound():
    prefix = "http://a.com/"
    at_limit = prefix + "a" * (MAX_URL_LENGTH - len(prefix))
    assert normalize_url(at_limit) == at_limit
    assert normalize_url(at_limit + "a") is None
    assert normalize_url(at_limit.replace("/a", "/%61") + "a") is None  # slow path too
    assert normalize_url("http://a.com/" + "%" * 100_000) is None
    assert resolve_url("/" + "a" * MAX_URL_LENGTH, "http://a.com/") is None


def test_hostile_input_does_not_raise():
    hostile = [
        "http://" + "a." * 5000,
        "http://[" + ":" * 5000 + "]/",
        "http://a.com/" + "../" * 2000,
        "http://a.com/" + "%" * 5000 + "?" + "%zz" * 1000,
        "http://a.com:" + "9" * 5000 + "/",
        "http://\x00\x00\x00/",
        "\x00" * 100,
        "http://" + "é" * 1000 + ".com/",
        "http://xn--" + "a" * 60 + ".com/",
        "h\x00ttp://a.com/",
        "http://a.com/\udfff\ud800",
    ]
    for url in hostile:
        for result in (normalize_url(url), resolve_url(url, "http://b.com/")):
            assert result is None or (result.startswith("http://") and len(result) < 10 * MAX_URL_LENGTH)


def test_normalize_is_idempotent_and_fast_path_agrees_with_slow_path():
    samples = [
        "http://a.com",
        "http://a.com?x",
        "https://www.example.com/a/b-c_d.html?x=1&y=2",
        "http://a.com/./x",
        "http://a.com/.x",
        "http://a.com./",
        "http://xn--bcher-kva.de/",
        "http://xn--zckzap6140b352by.com/",
        "http://1.2.3.4/x",
        "http://a.com/x;y=z@w:v",
        "https://" + "a" * 63 + ".com/",
    ]
    for url in samples:
        normalized = normalize_url(url)
        assert normalized == urls._normalize(url)
        if normalized is not None:
            assert normalize_url(normalized) == normalized


# --- resolution -------------------------------------------------------------------------

RFC3986_BASE = "http://a/b/c/d;p?q"

# RFC 3986 section 5.4.1, "Normal Examples", as printed in the RFC.
RFC3986_NORMAL = [
    ("g:h", "g:h"),
    ("g", "http://a/b/c/g"),
    ("./g", "http://a/b/c/g"),
    ("g/", "http://a/b/c/g/"),
    ("/g", "http://a/g"),
    ("//g", "http://g"),
    ("?y", "http://a/b/c/d;p?y"),
    ("g?y", "http://a/b/c/g?y"),
    ("#s", "http://a/b/c/d;p?q#s"),
    ("g#s", "http://a/b/c/g#s"),
    ("g?y#s", "http://a/b/c/g?y#s"),
    (";x", "http://a/b/c/;x"),
    ("g;x", "http://a/b/c/g;x"),
    ("g;x?y#s", "http://a/b/c/g;x?y#s"),
    ("", "http://a/b/c/d;p?q"),
    (".", "http://a/b/c/"),
    ("./", "http://a/b/c/"),
    ("..", "http://a/b/"),
    ("../", "http://a/b/"),
    ("../g", "http://a/b/g"),
    ("../..", "http://a/"),
    ("../../", "http://a/"),
    ("../../g", "http://a/g"),
]

# RFC 3986 section 5.4.2, "Abnormal Examples", as printed in the RFC. For "http:g" the RFC
# gives "http:g" for strict parsers and "http://a/b/c/g" for backward compatibility; we
# (like browsers) take the latter.
RFC3986_ABNORMAL = [
    ("../../../g", "http://a/g"),
    ("../../../../g", "http://a/g"),
    ("/./g", "http://a/g"),
    ("/../g", "http://a/g"),
    ("g.", "http://a/b/c/g."),
    (".g", "http://a/b/c/.g"),
    ("g..", "http://a/b/c/g.."),
    ("..g", "http://a/b/c/..g"),
    ("./../g", "http://a/b/g"),
    ("./g/.", "http://a/b/c/g/"),
    ("g/./h", "http://a/b/c/g/h"),
    ("g/../h", "http://a/b/c/h"),
    ("g;x=1/./y", "http://a/b/c/g;x=1/y"),
    ("g;x=1/../y", "http://a/b/c/y"),
    ("g?y/./x", "http://a/b/c/g?y/./x"),
    ("g?y/../x", "http://a/b/c/g?y/../x"),
    ("g#s/./x", "http://a/b/c/g#s/./x"),
    ("g#s/../x", "http://a/b/c/g#s/../x"),
    ("http:g", "http://a/b/c/g"),
]


def as_linkatlas_stores(rfc_result: str) -> str | None:
    """The RFC's target URI in our normalized form: only http(s) URLs are kept, the
    fragment is dropped and an empty path is written "/"."""
    if not rfc_result.startswith("http://"):
        return None
    without_fragment = rfc_result.partition("#")[0]
    if "/" not in without_fragment[len("http://") :]:
        without_fragment += "/"
    return without_fragment


@pytest.mark.parametrize(("href", "rfc_result"), RFC3986_NORMAL + RFC3986_ABNORMAL, ids=lambda value: repr(value))
def test_rfc3986_examples(href, rfc_result):
    assert resolve_url(href, RFC3986_BASE) == as_linkatlas_stores(rfc_result)


PAGE = "https://www.example.com/dir/page.html?x=1"


@pytest.mark.parametrize(
    ("href", "expected"),
    [
        ("https://other.com/a", "https://other.com/a"),
        ("http://Other.COM", "http://other.com/"),
        ("HTTPS://other.com:443/x?", "https://other.com/x"),
        ("//cdn.example.net/a.js", "https://cdn.example.net/a.js"),
        ("//cdn.example.net", "https://cdn.example.net/"),
        ("\\\\cdn.example.net\\a.js", "https://cdn.example.net/a.js"),
        ("/\\cdn.example.net/a.js", "https://cdn.example.net/a.js"),
        ("/abs/path", "https://www.example.com/abs/path"),
        ("/", "https://www.example.com/"),
        ("sibling.html", "https://www.example.com/dir/sibling.html"),
        ("sub/", "https://www.example.com/dir/sub/"),
        ("../up.html", "https://www.example.com/up.html"),
        ("../../../../up.html", "https://www.example.com/up.html"),
        ("./a/../b/./c", "https://www.example.com/dir/b/c"),
        ("?page=2", "https://www.example.com/dir/page.html?page=2"),
        ("?", "https://www.example.com/dir/page.html"),
        ("#top", "https://www.example.com/dir/page.html?x=1"),
        ("#", "https://www.example.com/dir/page.html?x=1"),
        ("", "https://www.example.com/dir/page.html?x=1"),
        ("  ", "https://www.example.com/dir/page.html?x=1"),
        ("page.html#a?b", "https://www.example.com/dir/page.html"),
        ("  \n /abs/\tpath \n", "https://www.example.com/abs/path"),
        ("\n\t\thttps://other.com/x\n\t", "https://other.com/x"),
        ("/a b/ü?q=ü x", "https://www.example.com/a%20b/%C3%BC?q=%C3%BC%20x"),
        ("%7Euser/%41", "https://www.example.com/dir/~user/A"),
        ("a\\b\\c?d\\e", "https://www.example.com/dir/a/b/c?d%5Ce"),
        ("www.other.com/x", "https://www.example.com/dir/www.other.com/x"),
        ("1:x", "https://www.example.com/dir/1:x"),  # "1" cannot start a scheme
        ("https:other.html", "https://www.example.com/dir/other.html"),  # same scheme, no "//"
        ("http:other.com", "http://other.com/"),  # other scheme: absolute
        ("//[::1]:8080/x", "https://[::1]:8080/x"),
        ("//a.com:99999/", None),
        ("//", None),
        ("javascript:void(0)", None),
        (" JaVaScRiPt:alert(1)", None),
        ("java\nscript:alert(1)", None),
        ("mailto:a@example.com", None),
        ("tel:123", None),
        ("data:text/html,x", None),
        ("ftp://x.com/", None),
        ("http://[::1", None),
        ("http://exa\u2028mple.com/", None),
    ],
)
def test_resolve_url(href, expected):
    assert resolve_url(href, PAGE) == expected


@pytest.mark.parametrize(
    ("href", "base", "expected"),
    [
        ("x", "http://a.com", "http://a.com/x"),
        ("x", "HTTP://A.COM:80/b/c#frag", "http://a.com/b/x"),
        ("?q", "http://a.com:8080/p?old", "http://a.com:8080/p?q"),
        ("/x", "http://[::1]:81/y", "http://[::1]:81/x"),
        ("x", "http://a.com/b/", "http://a.com/b/x"),
        ("/x", "not a url", None),  # unusable base: only absolute hrefs resolve
        ("http://a.com/x", "mailto:x@y.z", "http://a.com/x"),
        ("/x", "", None),
    ],
)
def test_resolve_url_bases(href, base, expected):
    assert resolve_url(href, base) == expected


def test_fast_path_agrees_with_slow_path():
    bases = [PAGE, RFC3986_BASE, "http://a.com", "https://[::1]:8443/x/y?z"]
    hrefs = [
        "https://other.com/a/b?c=d",
        "http://other.com",
        "http://other.com?x=1",
        "/abs/path?x=1",
        "/",
        "rel/path.html",
        "rel?x=y",
        "?page=2",
        "",
        "/a//b",
        "g;x=1/2:3@4",
    ]
    for base in bases:
        parsed = urls._parse_base(base)
        for href in hrefs:
            fast = urls._resolve_clean(href, parsed)
            assert fast is not None, (href, base)
            assert fast == urls._resolve(href, parsed), (href, base)
            assert normalize_url(fast) == fast


# --- reading URLs -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "parts"),
    [
        ("http://a.com/", ("http", "a.com", None, "/")),
        ("https://a.com:8443/x?y=1", ("https", "a.com", 8443, "/x?y=1")),
        ("http://[::1]:8080/x", ("http", "[::1]", 8080, "/x")),
        ("http://[::1]/", ("http", "[::1]", None, "/")),
    ],
)
def test_url_parts_and_host(url, parts):
    assert url_parts(url) == parts
    assert url_host(url) == parts[1]


@pytest.mark.parametrize(
    ("text", "host"),
    [
        ("http://www.Example.com/x", "www.example.com"),
        ("ssh://user@git.example.com:22/repo", "git.example.com"),
        ("//cdn.example.com/x", "cdn.example.com"),
        ("example.com/path?q", "example.com"),
        ("example.com:8080", "example.com"),
        ("https://u:p@[2001:DB8::1]:50/a", "[2001:db8::1]"),
        ("http://bücher.de./", "xn--bcher-kva.de"),
        ("http://xn--&.so-net.com", "xn--&.so-net.com"),  # kept as found, lowercased
        ("http://", ""),
        ("#//example.com", ""),
        ("", ""),
    ],
)
def test_extract_host(text, host):
    assert extract_host(text) == host


def test_url_host_reads_unnormalized_urls_as_found():
    assert url_host("https://user:pw@Example.COM:8443/x") == "Example.COM"
    assert url_host("http://a.com?x=1") == "a.com"
    assert url_host("http://a.com#top") == "a.com"


def test_resolve_absolute_is_resolve_url_against_any_base():
    rng = random.Random(20260101)
    pieces = ["\t", "\n", " ", "#", "# x", "%", "%41", "%zz", "/", "\\", "..", ".", "?", "@", ":", "[", "]", "ü",
              "\ud800", "\x00", "a", "B", "80", ":0", "xn--", "é.com", "x.com", "::1", "%2e%2E", "\u3002"]
    hrefs = [
        "http://a.com/x #frag", "http://a.com/x\t#frag", "https://a.com/ ", "http://a.com:80/", "http://[::1]:8080/",
        "http://a.com/" + "x" * (MAX_URL_LENGTH + 1), "http://a.com/%7e/./../b", "http://EXAMPLE.com", "https://",
        "http://\x00/", "http://a.com/\udfff", "http:///a", "http://a.com?q", "https://bücher.de/ü?ü#ü",
    ]
    hrefs += [rng.choice(["http://", "https://"]) + "".join(rng.choices(pieces, k=rng.randrange(0, 14)))
              for _ in range(30_000)]
    bases = [PAGE, RFC3986_BASE, "https://[::1]:8443/x/y?z", "http://bücher.de/a/b/", "https://x.org"]
    for href in hrefs:
        expected = resolve_url(href, bases[0])
        assert all(resolve_url(href, base) == expected for base in bases[1:]), href
        assert resolve_absolute(href) == expected, href


def test_memos_keep_short_strings_only():
    from linkatlas.extract import domains

    urls._normalize.cache_clear()
    domains.domain_of.cache_clear()
    long_urls = [f"http://h{i}.org/a b/./{'x' * 3000}" for i in range(50)]
    long_hosts = [f"{'a' * 60}.{'b' * 60}.{'c' * 60}.{'d' * 60}.{'e' * 60}.{i}.org" for i in range(50)]  # over 255
    for url in long_urls:
        assert urls._normalize(url) == urls._normalize.__wrapped__(url)
        assert urls._normalize(url).endswith("/a%20b/" + "x" * 3000)
    for host in long_hosts:
        assert domains.domain_of(host) == domains.domain_of.__wrapped__(host) == f"{host.rsplit('.', 2)[1]}.org"
    assert urls._normalize.cache_info().currsize == 0  # nothing hundreds of characters long is kept
    assert domains.domain_of.cache_info().currsize == 0
    assert urls._normalize("http://a.org/a b") == "http://a.org/a%20b"
    assert domains.domain_of("www.a.org") == "a.org"
    assert urls._normalize.cache_info().currsize == domains.domain_of.cache_info().currsize == 1
