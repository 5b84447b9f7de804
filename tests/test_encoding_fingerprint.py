"""linkatlas.extract.encoding (BOM > HTTP charset > <meta> charset > UTF-8 > windows-1252, never
raising) and linkatlas.extract.fingerprint (simhash: near duplicates close, unrelated texts far)."""

from __future__ import annotations

import codecs
import random

import pytest

from linkatlas.extract.encoding import charset_from_content_type, decode_html
from linkatlas.extract.fingerprint import hamming, simhash, tokens
from linkatlas.extract.html import extract_page

URL = "http://www.source-site.com/page"
RUSSIAN = "Привет, мир"
CHINESE = "中文网页 朱镕基"  # 镕 is in GBK but not in GB2312: browsers read "gb2312" as GBK
GERMAN = "Grüße aus Köln"


def document(title: bytes, head: bytes = b"") -> bytes:
    return b"<html><head>" + head + b"<title>" + title + b"</title></head><body><p>x</p></body></html>"


def same_codec(name: str, expected: str) -> bool:
    return codecs.lookup(name).name == codecs.lookup(expected).name


CASES = [
    # (id, body, HTTP Content-Type, expected title, expected codec)
    ("meta charset windows-1251", document(RUSSIAN.encode("cp1251"), b'<meta charset="windows-1251">'), None,
     RUSSIAN, "cp1251"),
    ("meta http-equiv windows-1251",
     document(RUSSIAN.encode("cp1251"), b'<meta http-equiv="Content-Type" content="text/html; charset=windows-1251">'),
     None, RUSSIAN, "cp1251"),
    ("HTTP windows-1251", document(RUSSIAN.encode("cp1251")), "text/html; charset=windows-1251", RUSSIAN, "cp1251"),
    ("HTTP quoted mixed-case label", document(RUSSIAN.encode("cp1251")), 'text/html; charset="Windows-1251"',
     RUSSIAN, "cp1251"),
    ("meta gb2312 holding GBK bytes", document(CHINESE.encode("gbk"), b'<meta charset="gb2312">'), None,
     CHINESE, "gb18030"),
    ("HTTP gb2312", document(CHINESE.encode("gbk")), "text/html; charset=gb2312", CHINESE, "gb18030"),
    ("HTTP GBK", document(CHINESE.encode("gbk")), "text/html;charset=GBK", CHINESE, "gb18030"),
    ("meta gbk", document(CHINESE.encode("gbk"), b"<meta http-equiv=content-type content='text/html;charset=gbk'>"),
     None, CHINESE, "gb18030"),
    ("UTF-16-LE BOM",
     codecs.BOM_UTF16_LE + f"<html><head><title>{GERMAN} 日本</title></head></html>".encode("utf-16-le"),
     None, f"{GERMAN} 日本", "utf-16-le"),
    ("UTF-16-BE BOM", codecs.BOM_UTF16_BE + f"<html><head><title>{GERMAN}</title></head></html>".encode("utf-16-be"),
     None, GERMAN, "utf-16-be"),
    ("HTTP UTF-16LE without BOM", f"<html><head><title>{GERMAN}</title></head></html>".encode("utf-16-le"),
     "text/html; charset=UTF-16LE", GERMAN, "utf-16-le"),
    ("HTTP utf-16 label is UTF-16LE", f"<title>{GERMAN}</title>".encode("utf-16-le"), "text/html; charset=utf-16",
     GERMAN, "utf-16-le"),
    ("HTTP UTF-16BE without BOM", f"<title>{GERMAN}</title>".encode("utf-16-be"), "text/html; charset=utf-16be",
     GERMAN, "utf-16-be"),
    ("BOM beats HTTP and meta", codecs.BOM_UTF8 + document(GERMAN.encode("utf-8"), b'<meta charset="windows-1251">'),
     "text/html; charset=windows-1251", GERMAN, "utf-8"),
    ("UTF-16 BOM beats HTTP", codecs.BOM_UTF16_LE + f"<title>{GERMAN}</title>".encode("utf-16-le"),
     "text/html; charset=iso-8859-1", GERMAN, "utf-16-le"),
    ("HTTP beats meta", document(RUSSIAN.encode("cp1251"), b'<meta charset="utf-8">'),
     "text/html; charset=windows-1251", RUSSIAN, "cp1251"),
    ("undeclared UTF-8", document(GERMAN.encode("utf-8")), "text/html", GERMAN, "utf-8"),
    ("undeclared latin-1 bytes", document(b"Caf\xe9 na\xefve \x93quoted\x94"), None,
     "Café naïve \u201cquoted\u201d", "cp1252"),
    ("iso-8859-1 label means windows-1252", document(b"\x93smart\x94 \x80 5"), "text/html; charset=ISO-8859-1",
     "\u201csmart\u201d \u20ac 5", "cp1252"),
    ("bogus HTTP label base64, meta used", document(RUSSIAN.encode("cp1251"), b'<meta charset="windows-1251">'),
     "text/html; charset=base64", RUSSIAN, "cp1251"),
    ("bogus HTTP label x-nonsense, UTF-8 sniffed", document(GERMAN.encode("utf-8")), "text/html; charset=x-nonsense",
     GERMAN, "utf-8"),
    ("bogus HTTP label x-nonsense, latin-1 bytes", document(b"Caf\xe9"), "text/html; charset=x-nonsense",
     "Café", "cp1252"),
    ("bogus meta label rot13", document(GERMAN.encode("utf-8"), b'<meta charset="rot13">'), None, GERMAN, "utf-8"),
    ("meta utf-16 on an ASCII page is not UTF-16", document(GERMAN.encode("utf-8"), b'<meta charset="utf-16">'), None,
     GERMAN, "utf-8"),
    ("meta after the first 1024 bytes is ignored",
     b"<html><head><!--" + b"x" * 1100 + b'--><meta charset="windows-1251"><title>' + RUSSIAN.encode("cp1251")
     + b"</title></head></html>", None, RUSSIAN.encode("cp1251").decode("cp1252"), "cp1252"),
]


@pytest.mark.parametrize(("body", "content_type", "title", "codec"), [case[1:] for case in CASES],
                         ids=[case[0] for case in CASES])
def test_encoding_precedence(body, content_type, title, codec):
    page = extract_page(body, URL, content_type=content_type)
    assert page.title == title
    assert same_codec(page.encoding, codec), page.encoding


@pytest.mark.parametrize(("body", "content_type", "title", "codec"), [case[1:] for case in CASES],
                         ids=[case[0] for case in CASES])
def test_decode_html_agrees(body, content_type, title, codec):
    text, encoding = decode_html(body, content_type)
    assert same_codec(encoding, codec)
    if isinstance(text, bytes):
        text = text.decode("utf-8")
    assert title in text


def test_decoded_link_anchor_and_target():
    body = (b'<meta charset="windows-1251"><a href="http://target.ru/' + "путь".encode("cp1251") + b'">'
            + "Ссылка".encode("cp1251") + b"</a>")
    link = extract_page(body, URL).links[0]
    assert link.anchor == "Ссылка"
    assert link.target_url == "http://target.ru/%D0%BF%D1%83%D1%82%D1%8C"  # the path as UTF-8, percent-encoded


@pytest.mark.parametrize("declared", [None, "text/html; charset=utf-8"], ids=["meta utf-8", "HTTP utf-8"])
def test_invalid_utf8_declared_utf8_is_replaced_not_reinterpreted(declared):
    body = b'<meta charset="utf-8"><title>ok \xff\xfe bad \xc3\xa9 \xe2\x82</title><a href="http://t.org/">\xc3</a>'
    page = extract_page(body, URL, content_type=declared)
    assert same_codec(page.encoding, "utf-8")
    assert page.title.startswith("ok \ufffd") and "bad é" in page.title
    assert page.links[0].anchor == "\ufffd"


def _page_facts(page) -> tuple:
    links = [(link.target_url, link.anchor, link.alt, link.context, link.placement, link.hidden, link.type)
             for link in page.links]
    return (page.title, page.lang, page.meta_robots, page.canonical, page.generator, page.word_count,
            page.text_bytes, page.fingerprint, page.terms, page.internal_links, page.external_links, links)


@pytest.mark.parametrize("declared", [None, "text/html; charset=utf-8"], ids=["meta utf-8", "HTTP utf-8"])
def test_declared_utf8_with_bad_bytes_reads_as_the_body_decoded_with_replacement(declared):
    # A page declared UTF-8 goes to the parser undecoded (no pass over it to check it): its bad bytes must read
    # as decoding the whole body with U+FFFD for them would, in every name, value and text
    rng = random.Random(31)
    bad = [b"\xff", b"\xfe", b"\xc3", b"\x80", b"\xe2\x82", b"\xed\xa0\x80", b"\xc0\xaf", b"\xf4\x90\x80\x80"]
    good = [b"caf\xc3\xa9", b"\xe2\x82\xac", b"word", b"casino", b"K\xc3\xb6ln", b" ", b"and more text"]
    checked = 0
    for _ in range(300):
        def text() -> bytes:  # a bad sequence is followed by a letter: it never ends where a tag starts
            return b"".join(rng.choice(bad) + b"x" if rng.random() < 0.3 else rng.choice(good) for _ in range(6))
        blocks = [
            b'<p class="' + text() + b'">' + text() + b' <a href="http://t' + str(number).encode() + b'.org/'
            + text().replace(b" ", b"") + b'" rel="' + text() + b'">' + text() + b"</a> " + text() + b"</p>"
            for number in range(rng.randrange(1, 5))
        ]
        body = (b'<html lang="' + text() + b'"><head><meta charset="utf-8"><title>' + text() + b"</title>"
                b'<meta name="generator" content="' + text() + b'"></head><body>' + b"".join(blocks) + b"</body></html>")
        assert not body.isascii()
        replaced = body.decode("utf-8", "replace").encode("utf-8")
        assert _page_facts(extract_page(body, URL, content_type=declared)) == \
            _page_facts(extract_page(replaced, URL, content_type=declared)), body[:200]
        checked += body != replaced
    assert checked > 250
    # By design, the one difference: the bytes of one broken character split by tags join in the text of
    # their parent (the parser keeps them as written; a browser decodes before parsing and shows three U+FFFD)
    split = b'<meta charset="utf-8"><p><a href="http://t.org/">a\xe2<i>\x82\xac</i></a></p>'
    assert extract_page(split, URL, content_type=declared).links[0].anchor == "a\u20ac"


@pytest.mark.parametrize(
    "label",
    ["utf-8", "windows-1251", "gb2312", "gbk", "big5", "shift_jis", "euc-kr", "iso-2022-jp", "utf-16", "koi8-r",
     "base64", "x-nonsense", "", "hex", "zlib", "utf-8\x00", "a" * 300],
)
def test_bad_bytes_never_crash(label):
    rng = random.Random(label)
    noise = rng.randbytes(4000)
    meta = b'<meta charset="' + label.encode("latin-1") + b'">'
    body = meta + b"<title>" + noise + b'</title><a href="http://t.org/">' + noise + b"</a>"
    for content_type in (None, f"text/html; charset={label}"):
        page = extract_page(body, URL, content_type=content_type)
        if not (content_type and label == "utf-16"):  # HTTP-declared UTF-16 reads these ASCII tags as CJK
            assert [link.target_url for link in page.links] == ["http://t.org/"]
        text, encoding = decode_html(noise, content_type)
        assert isinstance(text, (str, bytes)) and codecs.lookup(encoding)


def test_odd_length_utf16_and_lone_bom():
    for body in (codecs.BOM_UTF16_LE + b"<\x00t\x00i", codecs.BOM_UTF16_BE, codecs.BOM_UTF8, b"\xfe"):
        page = extract_page(body, URL)
        assert page.links == []


@pytest.mark.parametrize(
    ("content_type", "charset"),
    [
        ("text/html; charset=UTF-8", "UTF-8"),
        ("text/html;charset=windows-1251", "windows-1251"),
        ('text/html; charset="koi8-r"', "koi8-r"),
        ("text/html; charset='gbk'", "gbk"),
        ("text/html", None),
        ("", None),
        (None, None),
    ],
)
def test_charset_from_content_type(content_type, charset):
    assert charset_from_content_type(content_type) == charset


# --- fingerprint -------------------------------------------------------------------------------


def test_tokens_lowercase_word_characters():
    assert tokens("Hello, World! Ünïcode_x 42 -- ok") == ["hello", "world", "ünïcode_x", "42", "ok"]
    assert tokens("  ,;!  ") == []


def test_too_short_text_has_no_fingerprint():
    assert simhash([]) is None
    assert simhash(["one", "two"]) is None
    assert isinstance(simhash(["one", "two", "three"]), int)


def test_hamming():
    assert hamming(0, 0) == 0
    assert hamming(0b1011, 0b0110) == 3
    assert hamming(2**64 - 1, 0) == 64


def random_text(rng: random.Random, length: int) -> list[str]:
    return [f"w{rng.randrange(20_000)}" for _ in range(length)]


def test_fingerprint_is_deterministic_and_64_bit():
    words = random_text(random.Random(1), 500)
    first = simhash(words)
    assert first == simhash(list(words))
    assert 0 <= first < 2**64


def test_case_punctuation_and_spacing_do_not_change_the_fingerprint():
    assert simhash(tokens("The Quick, brown FOX -- jumps over the lazy dog!")) == simhash(
        tokens("the quick brown fox jumps   over\nthe lazy dog")
    )


def test_all_64_bits_are_used():
    rng = random.Random(2)
    fingerprints = [simhash(random_text(rng, 200)) for _ in range(60)]
    union, intersection = 0, 2**64 - 1
    for value in fingerprints:
        union |= value
        intersection &= value
    assert union == 2**64 - 1 and intersection == 0


def test_near_duplicates_are_close_and_unrelated_texts_far():
    rng = random.Random(3)
    near, far = [], []
    for _ in range(30):
        original = random_text(rng, 1000)
        edited = list(original)
        edited[rng.randrange(len(edited))] = "edited"  # one word changed
        appended = original + ["source", "example", "com"]  # a short credit line added
        unrelated = random_text(rng, 1000)
        base = simhash(original)
        near += [hamming(base, simhash(edited)), hamming(base, simhash(appended))]
        far.append(hamming(base, simhash(unrelated)))
    assert sum(near) / len(near) <= 3
    assert max(near) <= 10
    assert min(far) >= 16
    assert 26 <= sum(far) / len(far) <= 38  # unrelated fingerprints differ in about half of the 64 bits


def test_shared_boilerplate_does_not_make_pages_near_duplicates():
    rng = random.Random(4)
    boilerplate = random_text(rng, 100)
    first = simhash(boilerplate + random_text(rng, 900))
    second = simhash(boilerplate + random_text(rng, 900))
    assert hamming(first, second) >= 16
