"""Writes the disavow fixtures byte for byte (run from this folder; the outputs are committed).

- ``existing_disavow.txt``: a real-looking file uploaded before — UTF-8 BOM, CRLF line ends,
  comments, ``DOMAIN:`` in capitals, a URL with a fragment, a URL covered by a ``domain:``
  line, a duplicate, a whitelisted domain (``partner-good.com``), blank and indented lines,
  a bare domain and a broken URL (bad lines 15 and 16) and a Latin-1 byte (bad line 17).
- ``utf16_disavow.txt``: the same kind of file saved as "Unicode" by Notepad (UTF-16 LE, BOM).
- ``maesitos_whitelist.csv``, ``maesitos_new_links.csv``: the first lines of two files of the
  MIT-licensed maesitos disavow tool (see LICENSE-maesitos.txt), as found: CRLF, and a
  stretch with a lone CR inside a line and a URL followed by a word ("URL related").
"""

from pathlib import Path

SOURCE = Path(__file__).resolve().parents[3].parent / "shared" / "data" / "spam-lists" / "maesitos-disavow-tool"

EXISTING = [
    b"\xef\xbb\xbf# Disavow file for acmeanalytics.com uploaded 2024-03-02 by the previous agency",
    b"# Reviewed in the March 2024 audit",
    b"",
    b"# Private blog network on 203.0.113.0/24",
    b"DOMAIN:cheap-links-network.net",
    b"domain:Seo-Directory.biz",
    b"  domain:article-spinner.co.uk  ",
    b"",
    b"# scraped copies of the pricing page",
    b"https://scraper.example.org/copy-of-pricing#top",
    b"http://cheap-links-network.net/page-2.html",
    b"domain:seo-directory.biz",
    b"# a partner site, disavowed by mistake",
    b"domain:partner-good.com",
    b"spammy-bare-domain.info",
    b"http://[broken-url/",
    b"https://caf\xe9-links.example.net/",
    b"\thttps://www.Spam-Blog.net/2023/05/best-analytics-tools/",
]


def main() -> None:
    Path("existing_disavow.txt").write_bytes(b"\r\n".join(EXISTING) + b"\r\n")
    text = "# saved by Notepad as Unicode\r\ndomain:utf16-spam.com\r\nhttps://utf16-spam.org/page\r\n"
    Path("utf16_disavow.txt").write_bytes(b"\xff\xfe" + text.encode("utf-16-le"))
    whitelist = (SOURCE / "whitelist_urls.csv").read_bytes().split(b"\r\n")[:20]
    Path("maesitos_whitelist.csv").write_bytes(b"\r\n".join(whitelist) + b"\r\n")
    links = (SOURCE / "new_links.csv").read_bytes().split(b"\r\n")
    odd = next(number for number, line in enumerate(links) if b"\r" in line)  # "URL\rrelated", then "URL related"
    Path("maesitos_new_links.csv").write_bytes(b"\r\n".join(links[:6] + links[odd - 2: odd + 3]) + b"\r\n")
    Path("LICENSE-maesitos.txt").write_bytes((SOURCE / "LICENSE.txt").read_bytes())


if __name__ == "__main__":
    main()
