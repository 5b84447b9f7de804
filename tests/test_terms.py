"""Audit page facts: the main text's top words and the page's mailto: addresses."""

from __future__ import annotations

import duckdb

from linkatlas.extract.html import extract_page
from linkatlas.extract.terms import MAX_ADDRESSES, STOP_WORDS, mailto_addresses, top_terms


def test_top_terms_count_content_words_most_frequent_first():
    text = ("Churn churn CHURN prediction prediction dashboards. The and for with 2026 42 ab "
            "über Größe größe")
    assert top_terms(text) == ("churn", "prediction", "größe", "dashboards")  # "über" is a stop word
    assert top_terms("go2seo x1analytics") == ("seo", "analytics")  # digits split words; 2-letter words drop
    assert {"the", "und", "les", "della", "het"} <= STOP_WORDS
    assert len(top_terms(" ".join(f"alpha{'b' * i}" for i in range(1, 60)))) == 24
    assert top_terms("") == ()


def test_page_terms_come_from_the_main_text_not_the_menus():
    body = (b"<html><body><nav>pricing pricing pricing pricing</nav><main><h1>Kitchen remodel</h1>"
            b"<p>Kitchen cabinets and kitchen tiles for a kitchen remodel.</p></main>"
            b"<footer>casino casino casino casino</footer></body></html>")
    page = extract_page(body, "https://a.example/")
    assert page.terms[:2] == ("kitchen", "remodel")
    assert "pricing" not in page.terms and "casino" not in page.terms


def test_mailto_addresses_any_case_deduplicated_and_bounded():
    body = (b'<a href="MAILTO:Info@Example.COM?subject=hi">x</a><a href="mailto:info@example.com">y</a>'
            b'<a href="mailto:no-at-sign">z</a><a href="mailto:a.b+c@sub.example.co.uk">w</a>'
            b'<p>write to plain@example.com</p>')
    assert mailto_addresses(body) == ("a.b+c@sub.example.co.uk", "info@example.com")
    many = b"".join(b'<a href="mailto:user%d@example.com">m</a>' % i for i in range(50))
    assert len(mailto_addresses(many)) == MAX_ADDRESSES
    assert mailto_addresses(b"\xff\xfe<html>mailto:\x00@\x00") == ()
    assert extract_page(body, "https://a.example/").emails == ("a.b+c@sub.example.co.uk", "info@example.com")


def test_ingest_stores_terms_and_emails_of_2xx_html_pages(sample_db, sample_web):
    con = duckdb.connect(str(sample_db), read_only=True)
    rows = con.execute("SELECT url, status, terms, emails FROM fetches").fetchall()
    con.close()
    by_url = {}
    for url, status, terms, emails in rows:
        by_url.setdefault(url, []).append((status, terms, emails))
    truth_homes = [f for f in sample_web.fetches if f.status == 200 and f.url.endswith("/")
                   and f.content_type == "text/html" and f"mailto:hello@{f.domain}".encode() in f.body]
    assert truth_homes
    for fetch in truth_homes[:50]:
        stored = [emails for status, _, emails in by_url[fetch.url] if status == 200]
        assert any(emails and f"hello@{fetch.domain}" in emails for emails in stored), fetch.url
    statuses = {(status // 100, terms is None) for fetch_rows in by_url.values() for status, terms, _ in fetch_rows
                if status is not None}
    assert (4, True) in statuses and (2, False) in statuses  # error pages are not parsed: no terms
