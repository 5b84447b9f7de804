"""linkatlas.extract.html: which elements are links, their targets, anchors, rel flags, placement,
hidden flag and context; the page facts; and hostile input. Expected values come from the spec
(DESIGN.md section 3 and the html.py docstring), written by hand."""

from __future__ import annotations

import random
import re
import subprocess
import sys
import textwrap
import time
from html import escape

import pytest

from linkatlas.extract import html as html_module
from linkatlas.extract.domains import domain_of
from linkatlas.extract.fingerprint import hamming
from linkatlas.extract.html import MAX_ANCHOR, MAX_CONTEXT, MAX_LINKS_PER_PAGE, Link, Page, extract_page
from linkatlas.extract.urls import normalize_url, resolve_url, url_host

SOURCE = "http://www.source-site.com/blog/post.html"
TARGET = "http://target.org/page"
A = f'<a href="{TARGET}">the anchor</a>'


def page_of(markup: str | bytes, url: str = SOURCE, **options) -> Page:
    body = markup.encode("utf-8") if isinstance(markup, str) else markup
    return extract_page(body, url, **options)


def links_of(markup: str | bytes, **options) -> list[Link]:
    return page_of(markup, keep_internal=True, **options).links


def only_link(markup: str | bytes, **options) -> Link:
    links = links_of(markup, **options)
    assert len(links) == 1, links
    return links[0]


def table(names: str, cases: list):
    first = [case[0] if isinstance(case, tuple) else case for case in cases]
    return pytest.mark.parametrize(names, cases, ids=[repr(value)[:70] for value in first])


# --- which elements are links ---------------------------------------------------------------


@table(
    ("markup", "kind", "target", "anchor"),
    [
        ('<a href="http://target.org/x">Hello</a>', "text", "http://target.org/x", "Hello"),
        ('<img src="m.png" usemap="#m"><map name="m"><area shape="rect" coords="0,0,9,9" '
         'href="http://target.org/region" alt="Region one"></map>', "image", "http://target.org/region", "Region one"),
        ('<iframe src="http://target.org/embed"></iframe>', "frame", "http://target.org/embed", ""),
        ('<form action="http://target.org/submit" method="post"><input name="q"></form>', "form",
         "http://target.org/submit", ""),
        ('<html><head><meta http-equiv="refresh" content="0; url=http://target.org/next"></head><body></body></html>',
         "refresh", "http://target.org/next", ""),
    ],
)
def test_link_elements(markup, kind, target, anchor):
    link = only_link(markup)
    assert (link.type, link.target_url, link.anchor) == (kind, target, anchor)


def test_frameset_frames_are_frame_links():
    markup = (
        '<html><head><title>frames</title></head><frameset cols="50%,50%">'
        '<frame src="http://target.org/left"><frame src="right.html"></frameset></html>'
    )
    links = links_of(markup)
    assert [(link.type, link.target_url, link.anchor) for link in links] == [
        ("frame", "http://target.org/left", ""),
        ("frame", "http://www.source-site.com/blog/right.html", ""),
    ]


def test_area_alt_is_also_the_alt_field():
    link = only_link('<map name="m"><area href="http://target.org/r" alt="Fish &amp; Chips"></map>')
    assert (link.anchor, link.alt) == ("Fish & Chips", "Fish & Chips")


@table(
    ("content", "target"),
    [
        ("0; url=http://target.org/a", "http://target.org/a"),
        ("0;URL='http://target.org/quoted'", "http://target.org/quoted"),
        ('5; URL="http://target.org/double"', "http://target.org/double"),
        ("3; url = /relative/path", "http://www.source-site.com/relative/path"),
        ("0;url=next.html", "http://www.source-site.com/blog/next.html"),
    ],
)
def test_meta_refresh_targets(content, target):
    quote = "'" if '"' in content else '"'
    link = only_link(f'<html><head><meta http-equiv="Refresh" content={quote}{content}{quote}></head></html>')
    assert (link.type, link.target_url, link.placement, link.hidden) == ("refresh", target, None, False)


@table(
    "content",
    ["30", ""],
)
def test_meta_refresh_without_url_is_no_link(content):
    assert links_of(f'<head><meta http-equiv="refresh" content="{content}"></head>') == []


@table(
    "href",
    [
        "javascript:void(0)",
        "JavaScript:openWindow('http://target.org/')",
        "  javascript:alert(1)",
        "mailto:someone@target.org",
        "MAILTO:someone@target.org",
        "tel:+15551234567",
        "data:text/html,<a href=http://target.org/>x</a>",
        "data:image/png;base64,iVBORw0KGgo=",
        "ftp://target.org/file",
    ],
)
def test_non_http_hrefs_are_not_links(href):
    value = escape(href, quote=True)
    markup = f'<a href="{value}">x</a><iframe src="{value}"></iframe><form action="{value}"></form>'
    page = page_of(markup, keep_internal=True)
    assert (page.links, page.internal_links, page.external_links) == ([], 0, 0)


@table(
    "markup",
    [
        '<a name="top">named anchor, no href</a>',
        '<link rel="stylesheet" href="http://target.org/style.css">',
        '<img src="http://target.org/image.png" alt="image">',
        '<script src="http://target.org/app.js"></script>',
        '<video poster="http://target.org/p.gif"><source src="http://target.org/v.webm"></video>',
        '<blockquote cite="http://target.org/quote">quote</blockquote>',
        '<div data-href="http://target.org/data">data-href</div>',
        '<button onclick="location.href=\'http://target.org/js\'">go</button>',
        "<p>Visit http://target.org/ today (a naked URL in text)</p>",
    ],
)
def test_other_urls_are_not_links(markup):
    assert links_of(markup) == []


# --- targets: resolution against the page or <base href> -------------------------------------


@table(
    ("href", "target"),
    [
        ("other.html", "http://www.source-site.com/blog/other.html"),
        ("/root", "http://www.source-site.com/root"),
        ("../up.html", "http://www.source-site.com/up.html"),
        ("//cdn.example.net/a", "http://cdn.example.net/a"),
        ("?page=2", "http://www.source-site.com/blog/post.html?page=2"),
        ("#comments", "http://www.source-site.com/blog/post.html"),
        ("HTTP://Target.ORG:80/a/./b/../c#frag", "http://target.org/a/c"),
        ("https://target.org:443/", "https://target.org/"),
        ("  http://target.org/spaced  ", "http://target.org/spaced"),
        ("http://target.org/a b", "http://target.org/a%20b"),
        ("http://target.org/?a=1&amp;b=2", "http://target.org/?a=1&b=2"),
        ("http://target.org/?q&#x3D;x", "http://target.org/?q=x"),
    ],
)
def test_targets_are_absolute_and_normalized(href, target):
    assert only_link(f'<a href="{href}">x</a>').target_url == target


@table(
    ("base", "href", "base_url", "target"),
    [
        ("http://mirror.example.net/docs/", "page.html", "http://mirror.example.net/docs/",
         "http://mirror.example.net/docs/page.html"),
        ("/static/", "x.html", "http://www.source-site.com/static/", "http://www.source-site.com/static/x.html"),
        ("../", "x.html", "http://www.source-site.com/", "http://www.source-site.com/x.html"),
        ("//cdn.example.net/v2/", "/abs", "http://cdn.example.net/v2/", "http://cdn.example.net/abs"),
        ("http://mirror.example.net/docs/index.html", "#top", "http://mirror.example.net/docs/index.html",
         "http://mirror.example.net/docs/index.html"),
    ],
)
def test_base_href_is_resolved_against_the_page(base, href, base_url, target):
    markup = f'<html><head><base href="{base}"></head><body><a href="{href}">x</a></body></html>'
    page = page_of(markup, keep_internal=True)
    assert page.base_url == base_url
    assert [link.target_url for link in page.links] == [target]


def test_base_href_applies_to_every_link_kind():
    markup = (
        '<html><head><base href="http://mirror.example.net/d/">'
        '<meta http-equiv="refresh" content="0; url=r.html"></head><body>'
        '<a href="a.html">a</a><map><area href="m.html" alt="m"></map><iframe src="i.html"></iframe>'
        '<form action="f.cgi"></form></body></html>'
    )
    assert sorted((link.type, link.target_url) for link in links_of(markup)) == [
        ("form", "http://mirror.example.net/d/f.cgi"),
        ("frame", "http://mirror.example.net/d/i.html"),
        ("image", "http://mirror.example.net/d/m.html"),
        ("refresh", "http://mirror.example.net/d/r.html"),
        ("text", "http://mirror.example.net/d/a.html"),
    ]


def test_first_base_href_wins_and_base_without_href_is_ignored():
    markup = (
        '<head><base target="_blank"><base href="http://first.example.net/">'
        '<base href="http://second.example.net/"></head><a href="x">x</a>'
    )
    page = page_of(markup)
    assert page.base_url == "http://first.example.net/"
    assert [link.target_url for link in page.links] == ["http://first.example.net/x"]


def test_no_base_means_base_url_none():
    assert page_of("<a href='x'>x</a>").base_url is None


# --- anchor text -------------------------------------------------------------------------------


@table(
    ("inner", "anchor"),
    [
        ("Fish &amp; Chips &lt;3 &quot;q&quot; &#8211; &#x41;", 'Fish & Chips <3 "q" – A'),
        ("\n   Multi\t\tline\r\n   text   ", "Multi line text"),
        ("Non&nbsp;&nbsp;breaking&#160;space", "Non breaking space"),
        ("Literal\u00a0nbsp \u00a0 here", "Literal nbsp here"),
        ("exam<b>ple</b> <i>text</i> <span> more </span>", "example text more"),
        ("", ""),
        ("   ", ""),
    ],
)
def test_anchor_text(inner, anchor):
    assert only_link(f'<p><a href="http://target.org/">{inner}</a></p>').anchor == anchor


def test_anchor_text_is_bounded():
    link = only_link('<a href="http://target.org/">' + "word " * 400 + "</a>")
    assert len(link.anchor) == MAX_ANCHOR == 512
    assert link.anchor.startswith("word word ")


def test_alt_is_bounded():
    link = only_link(f'<a href="http://target.org/"><img src="i.png" alt="{"alt " * 400}"></a>')
    assert link.type == "image"
    assert len(link.anchor) == len(link.alt) == MAX_ANCHOR


# --- image links -------------------------------------------------------------------------------


@table(
    ("inner", "kind", "anchor", "alt"),
    [
        ('<img src="logo.png" alt="Logo Alt">', "image", "Logo Alt", "Logo Alt"),
        ('<img src="logo.png">', "image", "", ""),
        ('<img src="logo.png" alt="">', "image", "", ""),
        ('\n   <img src="logo.png" alt="Spaced">\n   ', "image", "Spaced", "Spaced"),
        ('<span><picture><img src="l.png" alt="Nested"></picture></span>', "image", "Nested", "Nested"),
        ('<img src="logo.png" alt="  Fish &amp;\n Chips ">', "image", "Fish & Chips", "Fish & Chips"),
        ('Visit us <img src="logo.png" alt="Logo">', "text", "Visit us", "Logo"),
        ('<img src="logo.png" alt="Logo"> Read more', "text", "Read more", "Logo"),
        ('Just text', "text", "Just text", ""),
    ],
)
def test_image_links(inner, kind, anchor, alt):
    link = only_link(f'<p><a href="http://target.org/">{inner}</a></p>')
    assert (link.type, link.anchor, link.alt) == (kind, anchor, alt)


def test_image_alt_belongs_to_its_own_link_only():
    links = links_of(
        '<p><a href="http://one.org/"><img src="1.png" alt="One"></a> <a href="http://two.org/">Two</a> '
        '<a href="http://three.org/"><img src="3.png"></a></p>'
    )
    assert [(link.target_url, link.type, link.anchor, link.alt) for link in links] == [
        ("http://one.org/", "image", "One", "One"),
        ("http://two.org/", "text", "Two", ""),
        ("http://three.org/", "image", "", ""),
    ]


# --- rel ---------------------------------------------------------------------------------------


@table(
    ("rel", "flags"),
    [
        ("nofollow", (True, False, False)),
        ("NoFollow", (True, False, False)),
        ("NOFOLLOW", (True, False, False)),
        ("ugc", (False, True, False)),
        ("sponsored", (False, False, True)),
        ("noopener nofollow noreferrer", (True, False, False)),
        ("UGC  Sponsored", (False, True, True)),
        ("sponsored ugc nofollow", (True, True, True)),
        ("\tnofollow\n", (True, False, False)),
        ("external noopener", (False, False, False)),
        ("nofollowed sponsoredby", (False, False, False)),
        ("", (False, False, False)),
        (None, (False, False, False)),
    ],
)
def test_rel_flags(rel, flags):
    attribute = "" if rel is None else f' rel="{rel}"'
    link = only_link(f'<a href="http://target.org/"{attribute}>x</a>')
    assert (link.nofollow, link.ugc, link.sponsored) == flags


def test_rel_flags_on_area():
    link = only_link('<map><area href="http://target.org/" alt="a" rel="sponsored nofollow"></map>')
    assert (link.nofollow, link.ugc, link.sponsored) == (True, False, True)


# --- placement ---------------------------------------------------------------------------------


def placement_of(wrapped: str) -> str | None:
    markup = wrapped if "<body" in wrapped else f"<html><body>{wrapped}</body></html>"
    return only_link(markup.replace("{a}", A)).placement


@table(
    ("wrapped", "placement"),
    [
        ("<p>{a}</p>", "content"),
        ("{a}", "content"),
        ("<div class='container'><div class='row'><p>{a}</p></div></div>", "content"),
        # nav
        ("<nav><ul><li>{a}</li></ul></nav>", "nav"),
        ("<div role='navigation'>{a}</div>", "nav"),
        ("<div role='Navigation'>{a}</div>", "nav"),
        ("<div class='main-nav'>{a}</div>", "nav"),
        ("<div class='navbar navbar-default'>{a}</div>", "nav"),
        ("<div id='navigation'>{a}</div>", "nav"),
        ("<ul class='menu'><li>{a}</li></ul>", "nav"),
        ("<ul id='menu-primary'><li>{a}</li></ul>", "nav"),
        ("<ol class='breadcrumb'><li>{a}</li></ol>", "nav"),
        ("<div id='breadcrumb'>{a}</div>", "nav"),
        # header
        ("<header>{a}</header>", "header"),
        ("<div class='wrap'><header class='site'>{a}</header></div>", "header"),
        ("<div role='banner'>{a}</div>", "header"),
        ("<div id='header'>{a}</div>", "header"),
        ("<div class='site-header'>{a}</div>", "header"),
        ("<div class='masthead'>{a}</div>", "header"),
        ("<div id='masthead'>{a}</div>", "header"),
        # footer
        ("<footer>{a}</footer>", "footer"),
        ("<div role='contentinfo'>{a}</div>", "footer"),
        ("<div id='footer'>{a}</div>", "footer"),
        ("<div class='site-footer'>{a}</div>", "footer"),
        ("<div id='colophon'>{a}</div>", "footer"),
        ("<div class='colophon'>{a}</div>", "footer"),
        # sidebar
        ("<aside>{a}</aside>", "sidebar"),
        ("<div role='complementary'>{a}</div>", "sidebar"),
        ("<div id='sidebar'>{a}</div>", "sidebar"),
        ("<div class='sidebar-left'>{a}</div>", "sidebar"),
        ("<div class='widget widget_links'>{a}</div>", "sidebar"),
        ("<section id='widget-3'>{a}</section>", "sidebar"),
        ("<div id='secondary'>{a}</div>", "sidebar"),
        ("<div class='secondary'>{a}</div>", "sidebar"),
        ("<div class='blogroll'>{a}</div>", "sidebar"),
        ("<ul id='blogroll'><li>{a}</li></ul>", "sidebar"),
        # comment
        ("<div id='comments'>{a}</div>", "comment"),
        ("<ol class='commentlist'><li class='comment'>{a}</li></ol>", "comment"),
        ("<div class='comment-body'>{a}</div>", "comment"),
        ("<div class='reply'>{a}</div>", "comment"),
        ("<div id='reply-form'>{a}</div>", "comment"),
        ("<div id='disqus_thread'>{a}</div>", "comment"),
        ("<div class='disqus-wrapper'>{a}</div>", "comment"),
        ("<div class='signature'>{a}</div>", "comment"),
        ("<div id='signature'>{a}</div>", "comment"),
    ],
)
def test_placement_landmarks(wrapped, placement):
    assert placement_of(wrapped) == placement


@table(
    ("wrapped", "placement"),
    [
        # an article's (or main's, or section's) own header/footer is part of the content
        ("<article><header><h2>{a}</h2></header><p>text</p></article>", "content"),
        ("<article><p>text</p><footer>{a}</footer></article>", "content"),
        ("<main><header>{a}</header></main>", "content"),
        ("<main><footer>{a}</footer></main>", "content"),
        ("<section><header>{a}</header></section>", "content"),
        ("<div><article><div><footer>{a}</footer></div></article></div>", "content"),
        # class names that mark a part of the article, not of the page
        ("<div class='entry-header'>{a}</div>", "content"),
        ("<div class='post-footer'>{a}</div>", "content"),
        ("<div class='article-header'>{a}</div>", "content"),
        ("<div class='entry-footer'>{a}</div>", "content"),
        # a body class mentioning the sidebar does not make the page a sidebar
        ("<html><body class='has-sidebar'><p>{a}</p></body></html>", "content"),
        ("<html><body class='nav-open menu-visible' id='footer-fixed'><p>{a}</p></body></html>", "content"),
        # a wrapper whose name says nav/sidebar but that holds the main content is not boilerplate
        ("<div class='main-nav-wrapper'><main><p>{a}</p></main></div>", "content"),
        ("<div id='nav-container'><article><p>{a}</p></article></div>", "content"),
        ("<div class='with-sidebar'><div role='main'><p>{a}</p></div></div>", "content"),
        # words that merely contain a landmark word are not that landmark
        ("<div class='stylenavbar'>{a}</div>", "content"),
        ("<div class='thread'>{a}</div>", "content"),
    ],
)
def test_placement_content_exceptions(wrapped, placement):
    assert placement_of(wrapped) == placement


@table(
    ("wrapped", "placement"),
    [
        ("<footer><div class='widget'>{a}</div></footer>", "sidebar"),
        ("<div class='widget'><nav>{a}</nav></div>", "nav"),
        ("<nav><div class='widget'>{a}</div></nav>", "sidebar"),
        ("<header><nav>{a}</nav></header>", "nav"),
        ("<div id='sidebar'><div class='menu'>{a}</div></div>", "nav"),
        ("<div class='menu'><div id='sidebar'>{a}</div></div>", "sidebar"),
        ("<footer><div id='comments'>{a}</div></footer>", "comment"),
        ("<aside><div class='entry-header'>{a}</div></aside>", "sidebar"),
        # WordPress comments: the comment's own <article>/<footer> do not reset the list item
        ("<ol class='comment-list'><li class='comment'><article><footer class='comment-meta'>{a}</footer>"
         "</article></li></ol>", "comment"),
    ],
)
def test_placement_innermost_container_wins(wrapped, placement):
    assert placement_of(wrapped) == placement


def test_placement_is_matched_case_insensitively():
    # class and id words are compared lowercased (the extractor splits and lowercases them)
    assert placement_of("<div class='MainNav'>{a}</div>") == "nav"
    assert placement_of("<div id='Footer'>{a}</div>") == "footer"
    assert placement_of("<div id='SideBar'>{a}</div>") == "sidebar"
    assert placement_of("<div class='Comments'>{a}</div>") == "comment"


def test_placement_of_every_link_on_a_full_page():
    markup = """<html><head><title>t</title></head><body>
      <header id="top"><a href="http://h.org/">h</a>
        <nav><a href="http://n.org/">n</a></nav></header>
      <main><article><header><a href="http://ah.org/">ah</a></header>
        <p>Body <a href="http://c.org/">c</a></p>
        <footer><a href="http://af.org/">af</a></footer></article>
        <div id="comments"><p><a href="http://cm.org/">cm</a></p></div></main>
      <aside><a href="http://s.org/">s</a></aside>
      <footer><a href="http://f.org/">f</a></footer></body></html>"""
    placements = {link.target_url: link.placement for link in links_of(markup)}
    assert placements == {
        "http://h.org/": "header",
        "http://n.org/": "nav",
        "http://ah.org/": "content",
        "http://c.org/": "content",
        "http://af.org/": "content",
        "http://cm.org/": "comment",
        "http://s.org/": "sidebar",
        "http://f.org/": "footer",
    }


# --- hidden ------------------------------------------------------------------------------------


@table(
    ("wrapped", "hidden"),
    [
        ("<a href='http://target.org/' style='display:none'>x</a>", True),
        ("<div style='display: none'>{a}</div>", True),
        ("<div style='color:red;DISPLAY:NONE'>{a}</div>", True),
        ("<div style='visibility:hidden'>{a}</div>", True),
        ("<div style='visibility : hidden;'>{a}</div>", True),
        ("<div style='Visibility:Hidden'>{a}</div>", True),
        ("<span style='font-size:0'>{a}</span>", True),
        ("<span style='font-size: 0px'>{a}</span>", True),
        ("<span style='font-size:0em;color:#fff'>{a}</span>", True),
        ("<span style='font-size:0.0em'>{a}</span>", True),
        ("<span style='font-size:0 !important'>{a}</span>", True),
        ("<span style='FONT-SIZE: 0pt'>{a}</span>", True),
        ("<span style='Font-Size:0'>{a}</span>", True),
        ("<div hidden>{a}</div>", True),
        ("<a href='http://target.org/' hidden>x</a>", True),
        ("<div style='display:none'><div><ul><li><span>{a}</span></li></ul></div></div>", True),
        # not hidden
        ("<p>{a}</p>", False),
        ("<span style='font-size:10px'>{a}</span>", False),
        ("<span style='font-size: 0.5em'>{a}</span>", False),
        ("<span style='font-size:100%'>{a}</span>", False),
        ("<span style='font-size:20px;line-height:0'>{a}</span>", False),
        ("<div style='display:block'>{a}</div>", False),
        ("<div style='visibility:visible'>{a}</div>", False),
        ("<div style='border:none;background:none'>{a}</div>", False),
        ("<div style='overflow:hidden'>{a}</div>", False),
        ("<div class='hidden'>{a}</div>", False),
        ("<div style='display:none'>hidden sibling</div><p>{a}</p>", False),
    ],
)
def test_hidden(wrapped, hidden):
    markup = wrapped.replace("{a}", A)
    assert only_link(f"<html><body>{markup}</body></html>").hidden is hidden


# --- context -----------------------------------------------------------------------------------


def words(count: int, seed: int) -> str:
    rng = random.Random(seed)
    vocabulary = ["lorem", "ipsum", "dolor", "sit", "amet", "consectetur", "adipiscing", "elit", "sed", "tempor"]
    return " ".join(rng.choice(vocabulary) for _ in range(count))


def test_context_holds_the_surrounding_text():
    link = only_link('<p>Before text <a href="http://target.org/">the anchor</a> after text.</p>')
    assert "the anchor" in link.context
    assert "Before text" in link.context and "after text." in link.context
    assert len(link.context) <= MAX_CONTEXT


def test_context_of_a_long_paragraph_is_a_bounded_window_around_the_anchor():
    before, after = words(300, 1), words(300, 2)
    paragraph = f'{before} NEARBEFORE <a href="http://target.org/">the anchor</a> NEARAFTER {after}'
    link = only_link(f"<p>{paragraph}</p>")
    assert len(link.context) <= MAX_CONTEXT == 240
    assert "NEARBEFORE the anchor NEARAFTER" in link.context
    assert link.context in f"{before} NEARBEFORE the anchor NEARAFTER {after}"


def test_context_follows_repeated_anchors_in_order():
    filler = [words(120, seed) for seed in range(3)]
    paragraph = (
        f'{filler[0]} FIRSTLEFT <a href="http://one.org/">here</a> FIRSTRIGHT {filler[1]} '
        f'SECONDLEFT <a href="http://two.org/">here</a> SECONDRIGHT {filler[2]}'
    )
    first, second = links_of(f"<p>{paragraph}</p>")
    assert "FIRSTLEFT here FIRSTRIGHT" in first.context
    assert "SECONDLEFT here SECONDRIGHT" in second.context


def test_context_contains_an_anchor_split_by_inline_markup():
    link = only_link('<p>See the <a href="http://target.org/">exam<b>ple</b> site</a> for details.</p>')
    assert link.anchor == "example site"
    assert "example site" in link.context
    long_link = only_link(f'<p>{words(200, 3)} <a href="http://target.org/">exam<b>ple</b></a> {words(200, 4)}</p>')
    assert "example" in long_link.context
    assert len(long_link.context) <= MAX_CONTEXT


def test_context_of_an_image_link_with_alt_is_bounded():
    link = only_link(f'<p>{words(200, 5)} <a href="http://target.org/"><img alt="Logo"></a> {words(200, 6)}</p>')
    assert link.type == "image"
    assert len(link.context) <= MAX_CONTEXT


# --- page facts --------------------------------------------------------------------------------


def test_title_and_lang():
    page = page_of('<html lang="EN-us"><head><title>  Hello &amp; welcome\n  page </title></head><body></body></html>')
    assert page.title == "Hello & welcome page"
    assert page.lang == "en-us"


def test_missing_title_and_lang_are_none():
    page = page_of("<html><head></head><body><p>text</p></body></html>")
    assert (page.title, page.lang) == (None, None)


@table(
    ("head", "x_robots_tag", "nofollow"),
    [
        ('<meta name="robots" content="noindex, nofollow">', None, True),
        ('<meta name="robots" content="NOFOLLOW">', None, True),
        ('<meta name="ROBOTS" content="noindex,nofollow,noarchive">', None, True),
        ('<meta name="robots" content="none">', None, True),
        ('<meta name="googlebot" content="nofollow">', None, True),
        ('<meta name="robots" content="noindex">', None, False),
        ('<meta name="robots" content="index, follow">', None, False),
        ('<meta name="description" content="we never nofollow">', None, False),
        ("", "nofollow", True),
        ("", "noindex, nofollow", True),
        ("", "none", True),
        ("", "googlebot: nofollow", True),
        ("", "noindex", False),
        ("", None, False),
        ('<meta name="robots" content="index, follow">', "nofollow", True),
    ],
)
def test_robots_nofollow(head, x_robots_tag, nofollow):
    page = page_of(f"<html><head>{head}</head><body>{A}</body></html>", x_robots_tag=x_robots_tag)
    assert page.robots_nofollow is nofollow


def test_meta_robots_keeps_the_directives():
    page = page_of('<head><meta name="robots" content="noindex, nofollow"></head>')
    assert page.meta_robots is not None and "nofollow" in page.meta_robots and "noindex" in page.meta_robots
    assert page_of("<p>no robots meta</p>").meta_robots is None


def test_robots_nofollow_does_not_rewrite_link_rel_flags():
    link = page_of(f'<head><meta name="robots" content="nofollow"></head>{A}').links[0]
    assert (link.nofollow, link.ugc, link.sponsored) == (False, False, False)


def test_generator_and_canonical():
    page = page_of(
        '<head><meta name="generator" content="WordPress 6.4.2">'
        '<link rel="canonical" href="/blog/post.html?ref=1#x"></head>'
    )
    assert page.generator == "WordPress 6.4.2"
    assert page.canonical == "http://www.source-site.com/blog/post.html?ref=1"


def test_canonical_resolves_against_base():
    page = page_of('<head><base href="http://mirror.example.net/d/"><link rel="canonical" href="c.html"></head>')
    assert page.canonical == "http://mirror.example.net/d/c.html"


def test_no_generator_no_canonical():
    page = page_of("<p>x</p>")
    assert (page.generator, page.canonical) == (None, None)


@table(
    ("markup", "ids"),
    [
        ("<script>ga('create', 'UA-1234567-1', 'auto');</script>", {"UA-1234567-1"}),
        ("<script src='https://www.googletagmanager.com/gtag/js?id=G-ABCDEF1234'></script>", {"G-ABCDEF1234"}),
        ("<script>gtag('config', 'G-XYZ987QWE');</script>", {"G-XYZ987QWE"}),
        ("<p>G-ABCDEF1234 appears without any tag loader</p>", set()),
        ("<script>(function(w,d,s,l,i){})(window,document,'script','dataLayer','GTM-ABC123');</script>",
         {"GTM-ABC123"}),
        ("<ins class='adsbygoogle' data-ad-client='ca-pub-1234567890123456'></ins>", {"ca-pub-1234567890123456"}),
        (
            "<script>gtag('config','G-AAAA11BBBB'); ga('create','UA-7654321-12'); 'GTM-XY12Z9';"
            " var ad='ca-pub-9999999999';</script>",
            {"G-AAAA11BBBB", "UA-7654321-12", "GTM-XY12Z9", "ca-pub-9999999999"},
        ),
        ("<p>No ids here: UA-12 GTM- ca-pub-12</p>", set()),
    ],
)
def test_analytics_ids(markup, ids):
    found = page_of(markup).analytics_ids
    assert set(found) == ids
    assert len(found) == len(set(found))


WORD_COUNT_CASES = [
    (
        # <main> wins: header, nav, aside, footer, scripts and styles are not counted
        """<html><head><title>Not counted title</title><style>p { color: red }</style></head><body>
        <header>Site name tagline words</header>
        <nav><a href="/a">one</a> <a href="/b">two</a></nav>
        <main><h1>Big news today</h1><p>Alpha beta gamma delta.</p>
          <script>var notCounted = "not words at all";</script></main>
        <aside>Sidebar widget text here</aside>
        <footer>Copyright notice words</footer></body></html>""",
        7,
    ),
    (
        # a lone <article> when there is no <main>
        """<html><body><nav>Menu words here</nav>
        <article><p>One two three.</p><script>var skipped = "script words";</script></article>
        <div>Words outside the article</div></body></html>""",
        3,
    ),
    (
        # several articles: the body, without boilerplate containers
        """<html><body><div id="header">Masthead words</div>
        <article>First story</article><article>Second story here</article>
        <p>Closing line</p>
        <div class="sidebar">Widget words</div><div id="comments">Comment words</div>
        <footer>Footer words</footer></body></html>""",
        7,
    ),
    ("<html><body></body></html>", 0),
]


@table(("markup", "count"), WORD_COUNT_CASES)
def test_word_count_of_the_main_text(markup, count):
    assert page_of(markup).word_count == count


def test_text_bytes_count_word_characters():
    page = page_of("<main><p>Alpha, beta; gamma!</p></main>")
    assert page.word_count == 3
    assert page.text_bytes == len("alpha") + len("beta") + len("gamma")


def article_page(text: str) -> bytes:
    return f"<html><body><nav>Home About Contact</nav><main><p>{text}</p></main></body></html>".encode()


def test_fingerprint_near_duplicate_pages_are_close_unrelated_far():
    rng = random.Random(20240601)
    vocabulary = [f"term{index}" for index in range(5000)]
    original = [rng.choice(vocabulary) for _ in range(1000)]
    edited = list(original)
    edited[500] = "changed"
    unrelated = [rng.choice(vocabulary) for _ in range(1000)]
    base = extract_page(article_page(" ".join(original)), SOURCE).fingerprint
    near = extract_page(article_page(" ".join(edited)), "http://scraper.example.net/copy").fingerprint
    far = extract_page(article_page(" ".join(unrelated)), SOURCE).fingerprint
    assert base is not None and near is not None and far is not None
    assert hamming(base, near) <= 6
    assert hamming(base, far) >= 16


def test_boilerplate_does_not_change_the_fingerprint():
    text = words(300, 7)
    plain = page_of(f"<main><p>{text}</p></main>").fingerprint
    with_menu = page_of(f"<nav>{words(50, 8)}</nav><main><p>{text}</p></main><footer>{words(40, 9)}</footer>")
    assert plain is not None and plain == with_menu.fingerprint


def test_short_text_has_no_fingerprint():
    assert page_of("<main><p>too short</p></main>").fingerprint is None


# --- internal and external links ---------------------------------------------------------------


MIXED_LINKS = """<p>
<a href="/about">same host</a>
<a href="http://blog.source-site.com/x">subdomain, same registrable domain</a>
<a href="https://target.org/">external</a>
<a href="http://news.bbc.co.uk/story">external, multi-label suffix</a>
</p>"""


def test_internal_links_are_counted_but_not_kept_by_default():
    page = page_of(MIXED_LINKS)
    assert (page.internal_links, page.external_links) == (2, 2)
    assert [link.target_url for link in page.links] == ["https://target.org/", "http://news.bbc.co.uk/story"]
    assert [link.internal for link in page.links] == [False, False]


def test_internal_links_are_kept_on_request():
    page = page_of(MIXED_LINKS, keep_internal=True)
    assert (page.internal_links, page.external_links) == (2, 2)
    assert [(link.target_url, link.internal) for link in page.links] == [
        ("http://www.source-site.com/about", True),
        ("http://blog.source-site.com/x", True),
        ("https://target.org/", False),
        ("http://news.bbc.co.uk/story", False),
    ]
    assert [link.ordinal for link in page.links] == [0, 1, 2, 3]


def test_target_host_and_registrable_domain():
    link = only_link('<a href="http://News.BBC.co.uk/story">x</a>')
    assert (link.target_host, link.target_domain) == ("news.bbc.co.uk", "bbc.co.uk")


def test_private_suffixes_separate_referring_domains():
    page = extract_page(b'<a href="http://b.blogspot.com/">x</a><a href="http://a.blogspot.com/p">y</a>',
                        "http://a.blogspot.com/post")
    assert (page.internal_links, page.external_links) == (1, 1)
    assert [link.target_url for link in page.links] == ["http://b.blogspot.com/"]


# --- hostile input -----------------------------------------------------------------------------

ONE_TWO = {"http://one.org/", "http://two.org/"}


@table(
    ("markup", "targets"),
    [
        ('<a href="http://one.org/">unclosed <div><p>more <a href="http://two.org/">second', ONE_TWO),
        ('<table><a href="http://one.org/">in table</a><tr><td><a href="http://two.org/">td', ONE_TWO),
        ('</p></div></a><a href="http://one.org/">after closers</a></body></html>'
         '<a href="http://two.org/">after', ONE_TWO),
        ("<a href='http://one.org/' <a href='http://two.org/'>broken attribute", {"http://one.org/"}),
        ('<!-- <a href="http://commented.org/">x</a> --><a href="http://one.org/">one</a>', {"http://one.org/"}),
        ('<!-- unterminated comment <a href="http://commented.org/">x</a>', set()),
        ('<script>document.write(\'<a href="http://script.org/">x</a>\')</script><a href="http://one.org/">1</a>',
         {"http://one.org/"}),
        ('<textarea><a href="http://t.org/">x</a></textarea><a href="http://one.org/">1</a>', {"http://one.org/"}),
        ('<a href="http://one.org/', set()),
    ],
)
def test_broken_html(markup, targets):
    # the HTML parser may clone an unclosed <a> around later blocks (adoption agency), so compare sets
    assert {link.target_url for link in links_of(markup)} == targets


def test_nested_anchors_do_not_swallow_each_other():
    links = links_of('<a href="http://one.org/">one<a href="http://two.org/">two</a>')
    assert [(link.target_url, link.anchor) for link in links] == [
        ("http://one.org/", "one"),
        ("http://two.org/", "two"),
    ]


def test_empty_body():
    page = extract_page(b"", SOURCE)
    assert page.links == [] and (page.internal_links, page.external_links) == (0, 0)
    assert (page.title, page.word_count, page.fingerprint) == (None, 0, None)


@table(
    "body",
    [
        bytes(range(256)) * 40,
        random.Random(7).randbytes(200_000),
        b"\x89PNG\r\n\x1a\n" + random.Random(8).randbytes(5000),
        b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n" + bytes(1000),
        b"\x1f\x8b\x08\x00" + random.Random(9).randbytes(3000),
        b"\x00" * 10_000,
        b'{"json": true, "url": "http://json.org/"}',
    ],
    )
def test_non_html_bytes(body):
    page = extract_page(body, SOURCE)
    assert isinstance(page, Page)
    assert page.links == []


def test_nul_bytes():
    page = extract_page(b'<p>a\x00b</p><a href="http://target.org/x\x00y">an\x00chor</a><title>t\x00</title>', SOURCE)
    assert len(page.links) == 1
    link = page.links[0]
    assert link.target_host == "target.org"
    assert "\x00" not in link.anchor and "\x00" not in link.target_url


def test_huge_attribute_values():
    huge = "x" * 2_000_000
    markup = (
        f'<div class="{huge} nav" style="{huge}" title="{huge}">'
        f'<a href="http://target.org/{huge}">too long to be a URL</a>'
        f'<a href="http://target.org/ok" title="{huge}" rel="{huge} nofollow">ok</a>'
        f'<a href="http://target.org/img"><img alt="{huge}"></a></div>'
    )
    links = links_of(markup)
    assert [link.target_url for link in links] == ["http://target.org/ok", "http://target.org/img"]
    assert links[0].nofollow is True
    assert len(links[1].anchor) == MAX_ANCHOR


def test_huge_text():
    link = only_link(f'<p>{"word " * 200_000}<a href="http://target.org/">anchor</a>{"tail " * 200_000}</p>')
    assert link.anchor == "anchor" and "anchor" in link.context and len(link.context) <= MAX_CONTEXT


def count_resolutions(monkeypatch) -> list[int]:
    calls = [0]
    real = html_module.resolve_url

    def counting(href, base):
        calls[0] += 1
        return real(href, base)

    monkeypatch.setattr(html_module, "resolve_url", counting)
    return calls


MANY_LINKS = 50_000


@table(
    ("shape", "link_markup"),
    [
        ("one paragraph per link", '<p><a href="http://t{i}.example.org/">link {i}</a></p>'),
        ("all in one paragraph", '<a href="http://t{i}.example.org/">link {i}</a> '),
        ("unclosed <font> around each link", '<font><a href="http://t{i}.example.org/">link {i}</a>'),
        ("unclosed menu div around each link", '<div class="menu"><a href="http://t{i}.example.org/">link {i}</a>'),
        ("unclosed hidden span around each link",
         '<span style="display:none"><a href="http://t{i}.example.org/">l{i}</a>'),
        ("image links in list items", '<li><a href="http://t{i}.example.org/"><img alt="i{i}"></a>'),
    ],
)
def test_many_links_are_capped_and_linear(monkeypatch, shape, link_markup):
    body = ("<html><body>" + "".join(link_markup.format(i=i) for i in range(MANY_LINKS)) + "</body></html>").encode()
    resolutions = count_resolutions(monkeypatch)
    started = time.perf_counter()
    page = extract_page(body, SOURCE)
    elapsed = time.perf_counter() - started
    assert len(page.links) == MAX_LINKS_PER_PAGE == 20_000
    assert page.links[0].target_url == "http://t0.example.org/"
    assert page.links[-1].target_url == f"http://t{MAX_LINKS_PER_PAGE - 1}.example.org/"
    assert resolutions[0] <= MAX_LINKS_PER_PAGE  # work stops at the cap
    assert elapsed < 20, f"{shape}: {elapsed:.1f}s"


def test_deeply_nested_divs_do_not_crash_the_process():
    script = textwrap.dedent(
        """
        from linkatlas.extract.html import extract_page
        depth = 100_000
        body = b"<div>" * depth + b'<a href="http://target.org/">deep</a>' + b"</div>" * depth
        page = extract_page(body, "http://www.source-site.com/")
        print(len(page.links), page.links[0].target_url, page.links[0].anchor)
        body = b'<div class="menu"><span style="display:none">' * 20_000 + b'<a href="http://t.org/">x</a>'
        page = extract_page(body, "http://www.source-site.com/")
        print(len(page.links), page.links[0].placement, page.links[0].hidden)
        """
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.split("\n")[:2] == ["1 http://target.org/ deep", "1 nav True"]


# --- fast paths agree with the general code -------------------------------------------------
# Each fast path is checked against the general code it stands in for, on a seeded set of
# varied and hostile pages: odd hrefs (case, spaces, controls, escapes, IDN, ports, dot
# segments, other schemes), nested inline and block markup, landmark names, hidden styles.

_HREF_HOSTS = ["target.org", "WWW.Target.ORG", "bücher.de", "xn--bcher-kva.de", "a.b.blogspot.com", "192.0.2.7",
               "[2001:db8::1]", "co.uk", "x.co.uk", "ex%41mple.net", "bad..host", "www.source-site.com", "a" * 70 + ".com"]
_HREF_TAILS = ["", "/", "/a/b/../c", "/./x", "/%7euser", "/%41%2F", "/sp ace", "/ünï", "?q=1&r", "#frag", "/x#y",
               "/a\\b", "/%zz", "/tab\there", "/nl\nx", "?", "/a/..", "/" + "p" * 600, "/%e2%82%ac", "/[x]", ":8080/x",
               ":99999/", ":/x", "/a #b", "/a\t#b ", " "]
_HREF_STARTS = ["http://", "https://", "HTTP://", "http:", "//", "", "javascript:", "mailto:", "ftp://", " http://",
                "http:\\\\", "\thttps://"]
_WORDS = "alpha beta casino loans über café 東京 the and home".split()
_NAMES = ["nav", "menu", "footer", "site-footer", "entry-header", "post-footer", "sidebar", "widget", "comment",
          "reply", "header", "masthead", "content", "main-nav-wrapper", "NAV", "x", ""]
_STYLES = ["", "display:none", "display : none", "visibility:hidden", "font-size:0", "font-size:0.0em;", "color:red"]
_INLINE_TAGS = ["span", "b", "em", "font", "small", "label"]
_BLOCK_TAGS = ["div", "p", "li", "section", "article", "aside", "nav", "header", "footer", "main", "td"]


def _random_href(rng: random.Random) -> str:
    if rng.random() < 0.3:
        return rng.choice(["", "/", "rel/x.html", "../up", "./here", "?p=2", "#top", "/%7e", "x:y"]) + rng.choice(
            _HREF_TAILS)
    href = rng.choice(_HREF_STARTS) + rng.choice(_HREF_HOSTS) + rng.choice(_HREF_TAILS)
    return href.upper() if rng.random() < 0.05 else href


def _random_attributes(rng: random.Random) -> str:
    markup = ""
    if rng.random() < 0.3:
        markup += f' class="{rng.choice(_NAMES)} {rng.choice(_NAMES)}"'
    if rng.random() < 0.1:
        markup += f' id="{rng.choice(_NAMES)}"'
    if rng.random() < 0.15:
        markup += f' style="{rng.choice(_STYLES)}"'
    if rng.random() < 0.03:
        markup += " hidden"
    if rng.random() < 0.05:
        markup += f' role="{rng.choice(["navigation", "banner", "contentinfo", "complementary", "main", "Comment"])}"'
    return markup


def _random_link(rng: random.Random) -> str:
    href = escape(_random_href(rng))
    rel = f' rel="{rng.choice(["nofollow", "NoFollow ugc", "sponsored noopener"])}"' if rng.random() < 0.3 else ""
    kind = rng.random()
    if kind < 0.05:
        return f'<iframe src="{href}"></iframe>'
    if kind < 0.1:
        return f'<area href="{href}" alt="{rng.choice(_WORDS)}"{rel}>'
    inner = " ".join(rng.choices(_WORDS, k=rng.randrange(0, 5)))
    if rng.random() < 0.2:
        inner = f'<img src="i.png" alt="{rng.choice(_WORDS)}">' + inner
    elif rng.random() < 0.2:
        tag = rng.choice(_INLINE_TAGS)
        inner = f"{rng.choice(_WORDS)}<{tag}>{inner}</{tag}>"
    return f'<a href="{href}"{rel}{_random_attributes(rng)}>{inner}</a>'


def _random_block(rng: random.Random, depth: int) -> str:
    if rng.random() < 0.1:  # a link alone in its block, its anchor sometimes longer than MAX_ANCHOR
        anchor = " ".join(rng.choices(_WORDS, k=rng.choice([1, 3, 60, 200])))
        tag = rng.choice(["li", "p", "div"])
        return f'<{tag}><a href="{escape(_random_href(rng))}">{anchor}</a></{tag}>'
    if depth > rng.randrange(2, 7) or rng.random() < 0.25:
        parts = [_random_link(rng) if rng.random() < 0.6 else " ".join(rng.choices(_WORDS, k=4)) for _ in range(4)]
        tag = rng.choice(_INLINE_TAGS)
        return " ".join(parts) + f"<{tag}{_random_attributes(rng)}>{_random_link(rng)} tail</{tag}>"
    tag = rng.choice(_BLOCK_TAGS)
    inner = "".join(_random_block(rng, depth + 1) for _ in range(rng.randrange(1, 4)))
    return f"<{tag}{_random_attributes(rng)}>{inner}</{tag}>"


def varied_pages(seed: int, count: int) -> list[tuple[str, bytes]]:
    """(page URL, body) pairs: seeded, varied and hostile markup (see above)."""
    rng = random.Random(seed)
    pages = []
    for number in range(count):
        head = f'<base href="{escape(_random_href(rng))}">' if rng.random() < 0.2 else ""
        body = "".join(_random_block(rng, 0) for _ in range(rng.randrange(1, 6)))
        if rng.random() < 0.1:
            body += "<b>" * 200 + _random_link(rng) + "</b>" * 200
        if rng.random() < 0.1:
            body += "".join(_random_link(rng) for _ in range(300))
        url = f"{rng.choice(['http', 'https'])}://{rng.choice(['www.source-site.com', 'bücher.de', '192.0.2.7'])}/d/p{number}"
        markup = f"<!doctype html><html><head>{head}</head><body>{body}</body></html>"
        pages.append((normalize_url(url), markup.encode()))
    return pages


def _extraction(url: str, body: bytes, keep_internal: bool = True) -> html_module._Extraction:
    tree = html_module.LexborHTMLParser(body)
    page = Page(url=url)
    extraction = html_module._Extraction(tree, page, keep_internal)
    html_module._head_facts(tree, page, extraction, None)
    return extraction


def _link_elements(extraction: html_module._Extraction):
    for node in extraction.tree.css(html_module._LINK_SELECTOR):
        yield node, node.attributes


def test_shared_absolute_targets_agree_with_per_page_resolution():
    checked = 0
    for url, body in varied_pages(1, 150):
        extraction = _extraction(url, body)
        base = extraction.page.base_url or url
        for _, attrs in _link_elements(extraction):
            href = attrs.get("href") or attrs.get("src") or ""
            if href.startswith(("http://", "https://")):
                general = resolve_url(href, base)
                expected = None if general is None else (general, url_host(general), domain_of(url_host(general)))
                assert html_module._absolute_target(href) == expected, (href, base)
                checked += 1
    assert checked > 1000


def extracted(pages: list[tuple[str, bytes]], keep_internal: bool) -> list:
    return [
        (page.internal_links, page.external_links, page.links)
        for page in (extract_page(body, url, keep_internal=keep_internal) for url, body in pages)
    ]


@pytest.mark.parametrize("keep_internal", [False, True])
def test_pages_come_out_the_same_with_the_fast_paths_cold_warm_or_off(monkeypatch, keep_internal):
    pages = varied_pages(2, 120)
    html_module._absolute_target.cache_clear()
    cold = extracted(pages, keep_internal)
    warm = extracted(pages, keep_internal)
    monkeypatch.setattr(html_module, "_MAX_SHARED_HREF", -1)  # every href resolved per page
    monkeypatch.setattr(html_module._Extraction, "link_state", lambda self, node, parent, attrs: self.state(node, attrs))
    monkeypatch.setattr(html_module._Extraction, "lone_link_context", lambda self, node, block, anchor: None)
    off = extracted(pages, keep_internal)
    assert cold == warm == off
    assert sum(len(links) for _, _, links in cold) > 2000


def test_absolute_hrefs_on_the_pages_own_host_are_counted_as_the_full_resolution_counts_them(monkeypatch):
    """An absolute href whose authority, as written, is the page's host (or one already resolved
    onto the site) is counted internal without resolving: the same counts and links as resolving
    every href, whatever the authority looks like."""
    authorities = ["www.source-site.com", "WWW.Source-Site.com", "www.source-site.com:80", "www.source-site.com:8080",
                   "www.source-site.com:99999", "user@www.source-site.com", "www.source-site.com.", "www.sour\tce-site.com",
                   "www.source-site.com\\evil.org", "blog.source-site.com", "", "/www.source-site.com", "other.org",
                   "www.source-site.com ", "xn--n3h.source-site.com", "[::1]", "www.source-site.com%2e"]
    rests = ["", "/", "/a b", "?q=1", "#top", "/%zz", "/\u00e9t\u00e9", "/x\\y", "/\x00", "/" + "p" * 600]
    rng = random.Random(13)
    pages = []
    for number in range(40):
        hrefs = [f"{rng.choice(['http', 'https'])}://{rng.choice(authorities)}{rng.choice(rests)}" for _ in range(30)]
        body = "".join(f'<p><a href="{escape(href)}">link {index}</a></p>' for index, href in enumerate(hrefs))
        pages.append((SOURCE, body.encode()))
    # writings that read as the site's host but must not vouch for others written the same way
    tricky = ["https:///www.source-site.com/", "http:///\u00e9t\u00e9", "http://\t/www.source-site.com", "http://\t/\u00e9t\u00e9",
              "http://www.source-site.com ", "http://www.source-site.com /x", "http://www.source-site.com\t/y",
              "http://www.source-site.com\t.evil.org/", "https://www.source-site.com?x/y", "https://www.source-site.com#a/b",
              "https://evil.org/https://www.source-site.com/", "https://www.source-site.com\\/x",
              "https://www.source-site.com@evil.org/", "https://www.source-site.com:443@evil.org/"]
    pages.append((SOURCE, "".join(f'<p><a href="{escape(href)}">{href}</a></p>' for href in tricky * 2).encode()))
    html_module._absolute_target.cache_clear()
    shortcut = extracted(pages, keep_internal=False)
    monkeypatch.setattr(html_module, "_MAX_SHARED_HREF", -1)  # every href resolved in full
    assert shortcut == extracted(pages, keep_internal=False)
    assert sum(internal for internal, _, _ in shortcut) > 300 and sum(external for _, external, _ in shortcut) > 100


def test_lone_link_context_is_the_context_read_from_its_block():
    checked = 0
    for url, body in varied_pages(7, 150):
        extraction = _extraction(url, body)
        for node, attrs in _link_elements(extraction):
            child, block = node.child, node.parent
            if node.tag != "a" or block is None or block.tag in html_module._INLINE:
                continue
            only_text = child is None or (child.is_text_node and child.next is None)
            anchor = html_module._anchor(node, "a", attrs, only_text)[1]
            lone = extraction.lone_link_context(node, block, anchor) if only_text else None
            if lone is not None:
                read = " ".join(block.text(deep=True, separator=" ").split())
                assert lone == read[:MAX_CONTEXT] == anchor[:MAX_CONTEXT]
                checked += 1
    assert checked > 100


def test_link_state_from_the_parent_agrees_with_the_walk():
    checked = 0
    for url, body in varied_pages(3, 150):
        fast = _extraction(url, body)
        general = html_module._Extraction(fast.tree, fast.page, True)  # same tree, nothing remembered yet
        for node, attrs in _link_elements(fast):
            assert fast.link_state(node, node.parent, attrs) == general.state(node, attrs)
            checked += 1
    assert checked > 2000


def test_nothing_but_a_landmark_tag_names_a_placement_without_role_class_or_id():
    # own_state() skips _named_category() when an element has no role, class or id
    for tag in ["div", "span", "a", "li", "p", "section", "article", "main", "td", "form", "ul"]:
        assert html_module._named_category(tag, None, None, None) is None
    for tag, placement in [("nav", "nav"), ("aside", "sidebar"), ("header", "header"), ("footer", "footer")]:
        assert html_module._named_category(tag, None, None, None) == placement


def test_many_absolute_links_stop_resolving_at_the_cap(monkeypatch):
    calls = [0]
    real = html_module.clean_absolute_host  # every absolute href is tried with it first

    def counting(href):
        calls[0] += 1
        return real(href)

    monkeypatch.setattr(html_module, "clean_absolute_host", counting)
    html_module._absolute_target.cache_clear()
    body = "".join(f'<a href="http://cap{i}.example.org/">x</a>' for i in range(MAX_LINKS_PER_PAGE + 5000)).encode()
    page = extract_page(body, SOURCE)
    assert len(page.links) == MAX_LINKS_PER_PAGE
    assert calls[0] == MAX_LINKS_PER_PAGE


def test_long_absolute_hrefs_are_not_kept_across_pages():
    html_module._absolute_target.cache_clear()
    long_href = "http://target.org/" + "x" * 2000
    links = links_of(f'<a href="{long_href}">long</a><a href="http://target.org/short">short</a>')
    assert [link.target_url for link in links] == [long_href, "http://target.org/short"]
    cached = html_module._absolute_target.cache_info()
    assert cached.currsize == 1 and cached.maxsize == html_module._SHARED_HREFS  # only the short one, bounded


def _analytics_by_every_occurrence(body: bytes) -> set[str]:
    """The spec read literally: at every occurrence of every prefix, its pattern; "G-" ids only
    on pages that load Google's tag."""
    found = set()
    google_tag = b"gtag" in body or b"googletagmanager" in body
    for literal, pattern in html_module._ANALYTICS:
        start = body.find(literal)
        while start >= 0:
            match = pattern.match(body, start)
            if match is not None and (literal != b"G-" or google_tag):
                found.add(match.group().decode())
            start = body.find(literal, start + 1)
    return found


def test_analytics_ids_vector_scan_agrees_with_every_occurrence():
    rng = random.Random(4)
    pieces = [b"UA-", b"GTM-", b"ca-pub-", b"G-", b"-", b"1234", b"12345678901", b"ABC", b"gtag", b"x", b" ", b"_",
              b"UA-1234-1", b"G-ABCDEF12", b"\xff", b"a", b"M", b"b", b"GTM-AB12", b"ca-pub-1234567890"]
    bodies = [b"".join(rng.choices(pieces, k=rng.randrange(0, 30))) for _ in range(20_000)]
    bodies += [b"-" * 10_000, b"G-" * 5000 + b"gtag", b"UA-" * 5000, b"GTM-GTM-ABCD", b"UA-1234-1-1", b"-UA-1234-1"]
    for body in bodies:
        assert set(html_module.analytics_ids(body)) == _analytics_by_every_occurrence(body), body[:80]


def test_top_terms_byte_split_agrees_with_the_unicode_regex():
    from collections import Counter

    from linkatlas.extract.terms import STOP_WORDS, top_terms

    def by_regex(text: str, limit: int) -> tuple[str, ...]:
        words = re.findall(r"[^\W\d_]{3,}", text[:32768].lower())
        counts = Counter(word for word in words if word not in STOP_WORDS)
        return tuple(word[:40] for word, _ in counts.most_common(limit))

    rng = random.Random(5)
    alphabet = list("abcxyz ABCXYZ019_-.,\t\n") + [
        "K", "İ", "ß", "é", "²", "½", "Ⅻ", "東", "京", "the ", "über ", "home ", "x" * 50, "\u0301", "ǅ", "\ud800",
        "\xa0", "\x85", "\u2028", "ﬁ", "ΣΑΣ", "\U0001d400", "٣", "’", "—",
    ]
    texts = ["".join(rng.choices(alphabet, k=rng.randrange(0, 60))) for _ in range(20_000)]
    texts += ["word " * 10_000 + "tail " * 5_000, "é" * 40_000 + " abc", "K" * 100]
    for text in texts:
        for limit in (24, 3):
            assert top_terms(text, limit) == by_regex(text, limit), (text, limit)


def test_word_hashes_and_simhash_agree_with_a_plain_python_reading():
    from linkatlas.extract.fingerprint import _simhash, word_hashes

    def plain_hashes(text: str) -> list[int]:
        data = text.lower().encode("utf-8", "replace")
        words = re.findall(rb"[A-Za-z0-9_\x80-\xff]+", data)
        hashes = []
        for word in words:
            value = 0
            for position, byte in enumerate(word):  # sum of (byte + 1) * BASE**position, modulo 2**64
                value = (value + (byte + 1) * pow(0x100000001B3, position, 2**64)) % 2**64
            hashes.append(value)
        return hashes

    def plain_simhash(hashes: list[int]) -> int | None:
        if len(hashes) < 3:
            return None
        golden, mask = 0x9E3779B97F4A7C15, 2**64 - 1
        votes = [0] * 64
        for index in range(len(hashes) - 2):
            value = hashes[index]
            for offset in (1, 2):
                value = (value * golden + hashes[index + offset]) & mask
            value ^= value >> 30
            value = (value * 0xBF58476D1CE4E5B9) & mask
            value ^= value >> 27
            value = (value * 0x94D049BB133111EB) & mask
            value ^= value >> 31
            for bit in range(64):
                votes[bit] += 1 if value >> bit & 1 else -1
        return sum(1 << bit for bit in range(64) if votes[bit] > 0)

    rng = random.Random(6)
    texts = ["", "a", "ab cd", "one two three", "Ünïcode wörds 東京 x_y-z 42", "\ud800 lone surrogate here"]
    texts += [" ".join(rng.choices(["alpha", "Beta", "γάμμα", "d_1", "é", "x", "東京"], k=rng.randrange(0, 40)))
              for _ in range(300)]
    for text in texts:
        hashes, _ = word_hashes(text)
        expected = plain_hashes(text)
        assert [int(value) for value in hashes] == expected, text
        assert _simhash(hashes) == plain_simhash(expected), text


def test_an_element_matching_several_boilerplate_names_is_removed_once():
    # lexbor yields an element once per selector it matches; removing it twice would free it twice
    markup = ('<body><p>kept words</p><div class="header footer sidebar" id="nav"><p>boiler words</p></div>'
              '<div class="menu"><div class="widget">inner</div></div><p>tail</p></body>')
    tree = html_module.LexborHTMLParser(markup)
    matches = tree.body.css(html_module._BOILERPLATE_SELECTOR)
    assert len(matches) > len({node.mem_id for node in matches})  # the duplicates exist
    outermost = html_module._outermost(matches)
    assert sorted(node.attributes.get("class") for node in outermost) == ["header footer sidebar", "menu"]
    assert page_of(markup).word_count == 3  # "kept words tail"


def test_lone_link_context_spends_the_text_budget_as_reading_the_block_does(monkeypatch):
    rng = random.Random(8)
    blocks = []
    for number in range(60):
        anchor = " ".join(rng.choices(_WORDS, k=rng.choice([2, 30, 150])))  # 150 words: longer than MAX_ANCHOR
        blocks.append(f'<li><a href="http://t{number}.org/">{anchor}</a></li>')
        blocks.append(f'<p>{" ".join(rng.choices(_WORDS, k=60))} <a href="http://u{number}.org/">x{number}</a> end</p>')
    body = ("<ul>" + "".join(blocks) + "</ul>").encode()

    def contexts(budget: int) -> list[str]:
        extraction = _extraction(SOURCE, body, keep_internal=False)
        extraction.text_budget = budget
        return [link.context for link in extraction.links()]

    budgets = [0, 1, 500, 3000, 9000, 20000, 10**9]
    fast = [contexts(budget) for budget in budgets]
    monkeypatch.setattr(html_module._Extraction, "lone_link_context", lambda self, node, block, anchor: None)
    general = [contexts(budget) for budget in budgets]
    assert fast == general
    assert len({tuple(result) for result in general}) >= 4  # the budget runs out at different links


def test_main_text_facts_of_a_page_agree_with_each_function_alone():
    from linkatlas.extract.fingerprint import text_fingerprint
    from linkatlas.extract.terms import TEXT_LIMIT, top_terms

    rng = random.Random(9)
    alphabet = ["alpha ", "Beta ", "İstanbul ", "ΣΑΣ ", "straße ", "x_1 ", "東京 ", "\ud800", "K ", "the ", "\n", "’"]
    texts = ["", "one", "\ud800 lone", "İ" * (TEXT_LIMIT + 10) + " word word", "word " * (TEXT_LIMIT // 4)]
    texts += ["".join(rng.choices(alphabet, k=rng.randrange(0, 300))) for _ in range(200)]
    for text in texts:
        page = html_module.Page(url=SOURCE, pending_text=html_module.encode_text(text))
        html_module.settle_text_facts([page])
        assert (page.word_count, page.text_bytes, page.fingerprint, page.terms) == (
            *text_fingerprint(text), top_terms(text)), text[:40]
        assert page.pending_text is None


def test_mailto_scan_from_each_at_sign_agrees_with_the_numpy_scan_and_a_plain_regex(monkeypatch):
    from linkatlas.extract import terms

    def by_regex(body: bytes) -> tuple[str, ...]:  # every "mailto:" as the docstring spells it, in page order
        found: list[str] = []
        for scheme in re.finditer(rb"[mM](?:ailto|AILTO):", body):
            match = terms._ADDRESS.match(body, scheme.end())
            if match is not None and len(set(found)) < 80:
                found.append(match.group().decode().lower())
        return tuple(sorted(set(found))[:terms.MAX_ADDRESSES])

    rng = random.Random(10)
    pieces = [b"mailto:", b"MAILTO:", b"Mailto:", b"mAILTO:", b"maIlto:", b"ailto:", b"m", b"M", b"a@b.co", b":",
              b"x.y+z@ex-ample.org", b"@", b" ", b"\xff", b"-", b"a" * 70, b"a" * 60, b"b" * 3, b"@@", b"x:y@z.io"]
    bodies = [b"".join(rng.choices(pieces, k=rng.randrange(0, 40))) for _ in range(20_000)]
    bodies += [b"ailto:" * 5000, b"mailto:" * 5000 + b"MAILTO:x@y.org", b":" * 10_000, b"mAILTO:a@b.org", b"@" * 10_000,
               b"mailto:" + b"a" * 64 + b"@b.org", b"mailto:" + b"a" * 65 + b"@b.org", b"mailto:a:b@c.org"]
    many = b"".join(b"mailto:user%d@example.org " % number for number in range(200)) + b"MAILTO:last@a.org"
    bodies += [many, many * 8]  # more than 80 addresses: the cap is reached, in page order
    found = 0
    for body in bodies:
        expected = by_regex(body)
        assert terms.mailto_addresses(body) == expected, body[:80]
        with_address = [[start for start in starts if terms._ADDRESS.match(body, start)]
                        for starts in (terms._starts_by_at(body, 10**9), terms._starts_by_vector(body))]
        assert with_address[0] == with_address[1], body[:80]  # the same starts of addresses, in page order
        found += len(expected)
    assert found > 5000
    assert terms._starts_by_at(b"@" * 10_000, 100) is None  # too many "@": the NumPy scan takes over
    monkeypatch.setattr(terms, "_AT_LOOKUPS", 10**9)  # every page by the "@" scan
    assert [terms.mailto_addresses(body) for body in bodies] == [by_regex(body) for body in bodies]
    monkeypatch.setattr(terms, "_AT_LOOKUPS", -10**9)  # every page by the NumPy scan
    assert [terms.mailto_addresses(body) for body in bodies] == [by_regex(body) for body in bodies]


def test_boilerplate_selector_matches_what_the_plain_id_and_class_list_matches():
    plain = ", ".join(f"#{name}, .{name}" for name in html_module._BOILERPLATE_NAMES)
    names = ["header", "HEADER", "Footer", "nav", "menu", "sidebar", "comments", "site-header", "x", ""]
    rng = random.Random(11)
    extra = "".join(
        f'<div id="{rng.choice(names)}" class="{rng.choice(names)} {rng.choice(names)}"><p>t</p></div>'
        f'<span class="{rng.choice(names)}">s</span><p id="{rng.choice(names)}">x</p>' for _ in range(40))
    checked = 0
    for _, body in varied_pages(12, 60):
        markup = body.decode()
        for document in (markup, markup.replace("<!doctype html>", ""), "<body>" + extra + "</body>",
                         "<!doctype html><body>" + extra + "</body>"):  # quirks mode matches names in any case
            tree = html_module.LexborHTMLParser(document)
            expected = {node.mem_id for node in tree.body.css(plain)}
            assert {node.mem_id for node in tree.body.css(html_module._BOILERPLATE_SELECTOR)} == expected
            checked += len(expected)
    assert checked > 1000


def test_main_root_from_the_landmarks_found_before_the_strip_is_what_a_query_after_it_finds():
    special = [
        "<nav><main>in nav</main></nav><article>one</article>",
        "<form><article>in form</article></form><article>lone</article>",
        '<div role="MAIN">upper role</div><main>later main</main>',
        '<div role=" main">spaced role</div><article role="Main">article as main</article>',
        '<svg><main role="main">in svg</main></svg><aside><article>a</article></aside><p>body</p>',
        "<template><main>in template</main></template><article>x</article><article>y</article>",
        "<header><article>h</article></header><footer><main role=main>f</main></footer>",
        '<main role="main">both</main>', '<article role="mAiN">article role</article>', "<p>nothing</p>", "",
        '<article role=" main">not main</article><article role="main ">nor this</article>',
        '<article role="ma\u0130n">dotted</article><article role="MAIN">this one</article>',
        "<div>" * 3000 + "<main>deep</main>" + "</div>" * 3000,
    ]
    documents = [markup for _, body in varied_pages(13, 80) for markup in [body.decode()]]
    documents += special + ["<!doctype html>" + markup for markup in special]
    found = 0
    for document in documents:
        tree = html_module.LexborHTMLParser(document)
        extraction = html_module._Extraction(tree, Page(url=SOURCE), False)
        root = html_module._main_root(tree, extraction.landmarks())
        expected = tree.css_first("main, [role=main i]")  # the queries the landmarks stand in for
        if expected is None:
            articles = tree.css("article")
            expected = articles[0] if len(articles) == 1 else tree.body
        assert (root is None and expected is None) or root.mem_id == expected.mem_id, document[:120]
        found += root is not None and root.tag != "body"
    assert found > 30


def test_pages_extracted_in_threads_come_out_as_extracted_one_after_the_other():
    """The CSS selector engine is shared by the pages a thread extracts (one per thread, not one
    per document): pages extracted by several threads at once get the same links and facts."""
    from concurrent.futures import ThreadPoolExecutor

    pages = varied_pages(5, 80)
    alone = [extract_page(body, url) for url, body in pages]
    with ThreadPoolExecutor(max_workers=4) as pool:
        for _ in range(3):
            together = list(pool.map(lambda page: extract_page(page[1], page[0]), pages))
            assert together == alone
    assert sum(len(page.links) for page in alone) > 500
