#!/usr/bin/env python3
"""Writes the vendor export fixtures of this folder (run once; the files are committed).

Header lines are the vendors' (../shared/FORMATS.md); rows are made up. Every file is about
the target example.com. The tests assert values written here, by hand, not recomputed.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

HERE = Path(__file__).parent


def csv_line(cells, delimiter=",", quote_all=False):
    out = []
    for cell in cells:
        cell = str(cell)
        if quote_all or any(c in cell for c in (delimiter, '"', "\n")):
            cell = '"' + cell.replace('"', '""') + '"'
        out.append(cell)
    return delimiter.join(out)


def write_text(name, lines, encoding="utf-8", bom=b""):
    (HERE / name).write_bytes(bom + ("\r\n".join(lines) + "\r\n").encode(encoding))


SEMRUSH_HEADER = ("Page ascore,Source title,Source url,Target url,Anchor,External links,Internal links,Nofollow,"
                  "Sponsored,Ugc,Text,Frame,Form,Image,Sitewide,First seen,Last seen,New link,Lost link").split(",")
SEMRUSH_ROWS = [
    ["31", "Alpha review", "https://blog.alpha.org/review", "https://example.com/", "Example Shop", "12", "40",
     "false", "false", "false", "true", "false", "false", "false", "false", "2023-11-02", "2024-04-20", "false", "false"],
    ["18", "Top 10, 2024", "https://news.beta.net/2024/top-10", "https://example.com/products", "top products", "55",
     "120", "true", "false", "false", "true", "false", "false", "false", "true", "2024-01-15", "2024-04-18", "true",
     "false"],
    ["7", "Deals", "https://www.epsilon.com/deals", "https://example.com/products", "", "3", "9", "false", "true",
     "false", "false", "false", "false", "true", "false", "2024-02-01", "2024-03-01", "false", "true"],
    ["22", "Shop blog", "https://shop.example.com/blog", "https://example.com/", "home", "1", "80", "false", "false",
     "false", "true", "false", "false", "false", "true", "2023-05-05", "2024-04-01", "false", "false"],
]

AHREFS_HEADER = [h.strip() for h in (
    "Referring page title, Referring page URL, Language, Platform, Referring page HTTP code, Domain rating, UR, "
    "Domain traffic, Referring domains, Linked domains, External links, Page traffic, Keywords, Target URL, "
    "Left context, Anchor, Right context, Redirect Chain URLs, Redirect Chain status codes, Type, Is spam, Content, "
    "Nofollow, UGC, Sponsored, Rendered, Raw, Lost status, Drop reason, Discovered status, First seen, Last seen, "
    "Lost, Author, Page type, Page category, Links in group").split(",")]


def ahrefs_row(**values):
    return [values.get(h, "") for h in AHREFS_HEADER]


AHREFS_ROWS = [
    ahrefs_row(**{"Referring page title": "Alpha review", "Referring page URL": "HTTPS://Blog.Alpha.org:443/review#comments",
                  "Language": "en", "Referring page HTTP code": "200", "Domain rating": "52", "UR": "14",
                  "Domain traffic": "1200", "Page traffic": "85", "Target URL": "https://example.com/",
                  "Left context": "we tried\nthe", "Anchor": "Example Shop", "Right context": "last week", "Type": "text",
                  "Is spam": "false", "Nofollow": "false", "UGC": "false", "Sponsored": "false",
                  "First seen": "2023-11-03 08:15:00", "Last seen": "2024-04-21 10:00:00", "Lost": ""}),
    ahrefs_row(**{"Referring page title": "Gamma\tlinks", "Referring page URL": "https://gamma.io/links",
                  "Language": "", "Referring page HTTP code": "200", "Domain rating": "8", "UR": "2",
                  "Target URL": "https://example.com/", "Anchor": "", "Type": "image", "Is spam": "true",
                  "Nofollow": "true", "UGC": "false", "Sponsored": "false", "First seen": "2024-01-20 00:00:00",
                  "Last seen": "2024-04-09 00:00:00", "Lost": "2024-04-10 00:00:00"}),
    ahrefs_row(**{"Referring page title": 'Delta "partners"', "Referring page URL": "https://delta.co.uk/page?id=7",
                  "Language": "en", "Referring page HTTP code": "200", "Domain rating": "33", "UR": "9",
                  "Target URL": "https://example.com/about", "Anchor": "about us", "Type": "text",
                  "Is spam": "false", "Nofollow": "false", "UGC": "true", "Sponsored": "false",
                  "First seen": "2024-02-11 12:00:00", "Last seen": "2024-04-20 12:00:00", "Lost": ""}),
]


def ahrefs_bytes(header, rows):
    text = "\n".join(csv_line(r, "\t", quote_all=True) for r in [header, *rows]) + "\n"
    return b"\xff\xfe" + text.encode("utf-16-le")


def main() -> None:
    write_text("semrush_backlinks.csv", [csv_line(r) for r in [SEMRUSH_HEADER, *SEMRUSH_ROWS]])
    write_text("semrush_backlinks_old.csv", [
        "Page score,Page trust score,Source title,Source url,Target url,Anchor,External links,Internal links,Nofollow,"
        "Frame,Form,Image,Sitewide,First seen,Last seen",
        "9,4,Old alpha,https://blog.alpha.org/review,https://example.com/,Example Shop,12,40,false,false,false,false,"
        "false,2019-03-01,2019-06-01",
        "2,1,Old frame,http://old.nu/f,https://example.com/,,1,1,true,true,false,false,false,2018-01-01,2018-02-01",
    ])
    cafe = ["40", "Über uns", "https://cafe.fr/ueber", "https://example.com/", "Café Crème", "2", "7", "false", "false",
            "false", "true", "false", "false", "false", "false", "2024-03-03", "2024-04-04", "false", "false"]
    write_text("broken_semrush_cp1252.csv", [csv_line(r) for r in [SEMRUSH_HEADER, cafe]], encoding="cp1252")
    order = ["Source url", "Target url", "Anchor", "Notes", "Nofollow", "Page ascore", "First seen", "Extra 2"]
    write_text("broken_semrush_extra_missing_columns.csv", [
        ",".join(order),
        "https://omega.org/a,https://example.com/x,omega,hello,TRUE,11,2024-01-05,zzz",
        "https://omega.org/b,https://example.com/y,omega b,,False,12,not a date,",
    ])
    write_text("semrush_referring_domains.csv", [
        "Domain ascore,Domain,Backlinks,IP Address,Country,First seen,Last seen",
        "45,alpha.org,3,203.0.113.5,US,2023-11-02,2024-04-20",
        "20,news.beta.net,1,198.51.100.7,DE,2024-01-15,2024-04-18",
        "5,epsilon.com,2,192.0.2.44,FR,2024-02-01,2024-03-01",
    ])
    write_text("semrush_indexed_pages.csv", [
        "Source url,Source title,Response code,Backlinks,Domains,External links,Internal links,Last seen",
        "https://example.com/,Example,200,4,3,2,35,2024-04-20",
        "https://example.com/products,Products,200,2,2,0,40,2024-04-18",
    ])
    write_text("semrush_backlink_audit.csv", [
        "Domain Authority Score,Page Authority Score,Source URL,Source Page Title,Source Domain,Target URL,Anchor,"
        "Anchor Type,Link Type,No Follow,Toxic Score,First Seen,Last Seen,Comment",
        "12,4,https://spammy-links.xyz/dir/1,Free links,spammy-links.xyz,https://example.com/,cheap shoes,Money,Text,"
        "false,72,2024-01-01,2024-04-01,",
        "45,20,https://blog.alpha.org/review,Alpha review,alpha.org,https://example.com/,Example Shop,Branded,Text,"
        "false,3,2023-11-02,2024-04-20,looks fine",
    ])
    (HERE / "ahrefs_backlinks.csv").write_bytes(ahrefs_bytes(AHREFS_HEADER, AHREFS_ROWS))
    whole = (HERE / "ahrefs_backlinks.csv").read_bytes()
    cut = whole.rindex("about us".encode("utf-16-le")) + 3  # inside the last row, mid code unit
    (HERE / "broken_ahrefs_truncated.csv").write_bytes(whole[:cut])
    old_header = ["#", "Domain Rating", "URL Rating", "Referring Page URL", "Referring Page Title",
                  "Internal Links Count", "External Links Count", "Link URL", "TextPre", "Link Anchor", "TextPost",
                  "Type", "First Seen", "Last Check", "Day Lost"]
    write_text("ahrefs_backlinks_old.csv", [csv_line(r) for r in [old_header, [
        "1", "61", "20", "https://rho.com/blog/", "Rho blog", "30", "5", "https://example.com/", "read", "Example",
        "now", "text", "2017-05-01", "2017-09-30", ""]]], bom=b"\xef\xbb\xbf")
    (HERE / "ahrefs_referring_domains.csv").write_bytes(ahrefs_bytes(
        ["Domain", "DR", "Dofollow ref. domains", "Dofollow linked domains", "Traffic ", "Keywords", "Links to target",
         "New links", "Lost links", "Dofollow links", "First seen", "Lost", "Is spam"],
        [["alpha.org", "52", "130", "40", "1200", "300", "2", "0", "0", "2", "2023-11-03 08:15:00", "", "false"],
         ["gamma.io", "8", "1", "900", "0", "0", "1", "0", "1", "0", "2024-01-20 00:00:00", "2024-04-10 00:00:00",
          "true"]]))
    (HERE / "ahrefs_anchors.csv").write_bytes(ahrefs_bytes(
        ["Anchor text", "Ref. domains", "Top DR", "Ref. pages", "Links to target", "New links", "Lost links",
         "Dofollow links", "First seen", "Lost"],
        [["example shop", "2", "52", "3", "3", "0", "0", "3", "2023-11-03 08:15:00", ""],
         ["", "1", "8", "1", "1", "0", "1", "0", "2024-01-20 00:00:00", "2024-04-10 00:00:00"]]))
    write_text("majestic_backlinks.csv", [
        "Target URL,Source URL,Anchor Text,Source Crawl Date,Source First Found Date,FlagNoFollow,FlagImageLink,"
        "FlagRedirect,FlagFrame,FlagOldCrawl,FlagAltText,FlagMention,SourceCitationFlow,SourceTrustFlow,"
        "TargetCitationFlow,TargetTrustFlow,SourceTopicalTrustFlow_Topic_0",
        "https://example.com/,https://blog.alpha.org/review,Example Shop,2024-04-02,2023-10-30,,,,,,,,25,18,40,33,"
        "Shopping",
        "https://example.com/about,http://theta.info/partners,partners,2024-03-30,2024-01-01,+,,,,,,,10,5,40,33,",
        'https://example.com/,"https://kappa.com/x,broken "quote,2024-01-01',
        "https://example.com/,https://iota.biz/r,,2024-03-01,2024-02-02,,,+,,,,,12,9,40,33,",
    ])
    write_text("moz_links.csv", [
        "Link Analysis for example.com",
        "Exported 2024-04-22",
        "Filters: all links, all pages",
        "Links to: this root domain",
        "",
        "Moz Link Explorer",
        "URL,Title,Anchor Text,Spam Score,Page Authority,Domain Authority,Number of Domains Linking to this Page,"
        "Number of Domains Linking to Domain,Origin,Target URL,Link Equity,No Link Equity,Only rel=nofollow,"
        "Only follow,301",
        "https://blog.alpha.org/review,Alpha review,Example Shop,1%,35,42,3,120,,https://example.com/,true,false,false,"
        "true,false",
        "http://lambda.net/,Lambda,click here,30%,12,15,1,5,,https://example.com/,false,true,true,false,false",
        "https://mu.org/old,Mu,,,,,,,,https://example.com/,false,false,false,false,true",
    ])
    with zipfile.ZipFile(HERE / "gsc_links_es.zip", "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("Sitios que más enlazan.csv",
                         "Sitio,Páginas que enlazan,Páginas de destino\nalpha.org,3,1\nbeta.net,1,1\nzeta.de,2,2\n")
        archive.writestr("Páginas más enlazadas.csv",
                         'Página de destino,Enlaces entrantes,Sitios que enlazan\nhttps://example.com/,5,3\n'
                         'https://example.com/products,"1.234",2\n')
        archive.writestr("Últimos enlaces.csv",
                         "Página que enlaza,Último rastreo\nhttps://blog.alpha.org/review,5 mar 2024\n"
                         "https://zeta.de/blog/post,17/02/2024\n")
        archive.writestr("Más enlaces de ejemplo.csv",
                         "Página que enlaza\nhttps://blog.alpha.org/review\nhttps://zeta.de/blog/post\n"
                         "https://zeta.de/links\n")
        archive.writestr("Metadatos.csv", "Propiedad,Valor\nexample.com,1\n")
    write_text("gsc_latest_links_de.csv", [
        "Verweisende Seite;Zuletzt gecrawlt",
        "https://blog.alpha.org/review;05.03.2024",
        "https://nu.de/artikel;28.02.2024",
        "https://shop.example.com/;01.03.2024",
    ], bom=b"\xef\xbb\xbf")
    write_text("broken_unknown_layout.csv", ["Keyword,Position,Search Volume", "shoes,3,1000"])


if __name__ == "__main__":
    main()
