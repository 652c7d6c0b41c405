"""The HTML writer: escaping, metadata, layout hooks for print; built from model objects."""

from __future__ import annotations

import html.parser
import re

import pytest

from generator.document.model import (
    Document,
    DocumentMeta,
    Heading,
    ListBlock,
    PageBreak,
    Paragraph,
    Run,
    SignatureRow,
    SignatureTable,
    Table,
)
from generator.render import html as html_writer

HOSTILE = "<script>alert(1)</script>"
TEMPLATE_LIKE = "{{ 7*7 }}"


def make_document(rows: tuple[SignatureRow, ...] = (), blocks: tuple = ()) -> Document:
    """Return a small document with every block type; ``rows`` are extra signature rows."""
    meta = DocumentMeta(
        kind="mop", title="Marac Operating Protocol", marac='Test "Quoted" Marac', slug="test",
        file_stem="operating-protocol", version="1.0", date="2025-03-01",
        subject="Marac Operating Protocol of Test Marac", keywords=("Marac", "domestic abuse"),
        library_version="2026.1", fingerprint="0123456789abcdef" * 4,
    )
    body = blocks or (
        Paragraph((Run("Test Marac"),), style="title"),
        Paragraph((Run("Marac Operating Protocol"),), style="subtitle"),
        Heading(1, (Run("Document control"),), anchor="document-control"),
        Table(header=("Document", "Version"), rows=(("Operating Protocol", "1.0"),), style="versions",
              widths=(0.7, 0.3)),
        Heading(1, (Run("Purpose"),), number="1", anchor="s-purpose"),
        Heading(2, (Run("Aims"),), anchor="c-aims"),
        Paragraph((Run("The Marac is "), Run("a meeting", strong=True), Run(" of "),
                   Run("agencies", emphasis=True), Run(" ("), Run("SafeLives", href="https://safelives.org.uk/"),
                   Run(").")), number="1.1"),
        ListBlock(items=((Run("first point"),), (Run("second point"),)), ordered=False),
        ListBlock(items=((Run("step one"),),), ordered=True),
        PageBreak(),
        Heading(1, (Run("Signatures"),), anchor="signatures"),
        SignatureTable(rows=(SignatureRow("Northshire Police", "A. Person", "Superintendent", "sig-northshire-police"),
                             *rows)),
    )
    return Document(meta=meta, blocks=body)


class _Elements(html.parser.HTMLParser):
    """Collects start tags with their attributes, and the text of <title>."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict]] = []
        self.title = ""
        self._in_title = False

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        self._in_title = tag == "title"

    def handle_endtag(self, tag):
        self._in_title = False

    def handle_data(self, data):
        if self._in_title:
            self.title += data


def parse(text: str) -> _Elements:
    parser = _Elements()
    parser.feed(text)
    return parser


@pytest.fixture(scope="module")
def hostile_html() -> str:
    rows = (SignatureRow(HOSTILE, TEMPLATE_LIKE, "Role <b>bold</b> & co", "sig-hostile"),)
    return html_writer.render(make_document(rows)).decode("utf-8")


def test_model_text_is_escaped_never_markup(hostile_html):
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in hostile_html
    assert '<td class="signatory">{{ 7*7 }}</td>' in hostile_html
    assert "Role &lt;b&gt;bold&lt;/b&gt; &amp; co" in hostile_html
    tags = [tag for tag, _ in parse(hostile_html).tags]
    assert "script" not in tags and "b" not in tags


def test_head_carries_language_title_and_dates():
    document = make_document()
    page = parse(html_writer.render(document).decode("utf-8"))
    assert page.tags[0] == ("html", {"lang": "en-GB"})
    assert page.title == 'Test "Quoted" Marac: Marac Operating Protocol' == document.full_title
    meta = {attrs["name"]: attrs["content"] for tag, attrs in page.tags if tag == "meta" and "name" in attrs}
    assert meta["dcterms.created"] == meta["dcterms.modified"] == "2025-03-01"
    assert meta["description"] == document.meta.subject
    assert meta["keywords"] == "Marac, domestic abuse"
    assert meta["author"] == document.meta.marac
    assert meta["edition"] == document.meta.fingerprint


def test_standalone_page_embeds_the_stylesheet_verbatim():
    text = html_writer.render(make_document()).decode("utf-8")
    css = html_writer.stylesheet_text()
    assert "size: A4" in css
    assert css in text  # not autoescaped: quotes in font names survive
    assert '"DejaVu Sans"' in text
    assert html_writer.render_html(make_document(), embed_css=False).count("size: A4") == 0


def test_running_strings_are_css_escaped():
    text = html_writer.render_html(make_document(), embed_css=False)
    assert r'@top-left { content: "Test \22 Quoted\22  Marac"; }' in text
    assert 'counter(page) " of " counter(pages)' in text
    assert html_writer.css_string('a"</style>\n') == r'"a\22 \3C /style\3E \A "'
    assert "</style" not in html_writer.css_string("</style>")


def test_numbered_blocks_and_headings_put_the_number_first():
    text = html_writer.render_html(make_document(), embed_css=False)
    assert '<h1 id="s-purpose" class="numbered new-page"><span class="number">1</span> Purpose</h1>' in text
    assert ('<p class="numbered"><span class="number">1.1</span> The Marac is <strong>a meeting</strong> of '
            '<em>agencies</em> (<a href="https://safelives.org.uk/">SafeLives</a>).</p>') in text
    assert re.search(r"<ul>\s*<li>first point</li>\s*<li>second point</li>\s*</ul>", text)
    assert re.search(r"<ol>\s*<li>step one</li>\s*</ol>", text)
    assert '<div class="page-break"></div>' in text


def test_contents_lists_headings_one_and_two_as_words_toc_does():
    document = make_document()
    text = html_writer.render_html(document, embed_css=False)
    contents = text[text.index('<nav class="contents"'):text.index("</nav>")]
    expected = [b.anchor for b in document.blocks if isinstance(b, Heading) and b.level <= 2 and b.anchor]
    assert re.findall(r'<a href="#([^"]+)">', contents) == expected
    assert {"s-purpose", "signatures"} <= set(expected)
    assert text.index("</nav>") < text.index('id="s-purpose"')


def test_signature_cell_carries_the_anchor():
    text = html_writer.render_html(make_document(), embed_css=False)
    assert '<td class="signature" id="sig-northshire-police"></td>' in text
    headers = re.findall(r'<th scope="col">([^<]*)</th>', text[text.index('class="grid signatures fixed"'):])
    assert headers == ["Agency", "Signatory", "Role", "Signature", "Date"]
    assert re.search(r'<h1 id="signatures" class="new-page">', text)


def test_right_to_left_text_gets_dir_rtl():
    rows = (SignatureRow("مرکز اجالا", "Nasreen Akhtar — نسرین اختر", "Centre Director", "sig-ujala"),)
    text = html_writer.render_html(make_document(rows), embed_css=False)
    assert '<td class="agency" dir="rtl">مرکز اجالا</td>' in text
    assert '<td class="signatory">Nasreen Akhtar — نسرین اختر</td>' in text  # first strong letter is Latin
    assert html_writer.direction("(123) نسرین") == "rtl"
    assert html_writer.direction("123") is None


def test_unknown_block_is_refused():
    with pytest.raises(TypeError, match="no layout for"):
        html_writer.render(make_document(blocks=(object(),)))
