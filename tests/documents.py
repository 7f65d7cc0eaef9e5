"""Real PDF, Word and web-page files made from a factsheet, the way a charity's own
tools lay them out, for the importer's tests and benchmark."""

from __future__ import annotations

import html
import re
from pathlib import Path

from imnm_audio.content import BulletList, Heading, Paragraph, load_factsheet
from imnm_audio.content.markdown import shown


def about(factsheet: Path) -> tuple[str, str]:
    """The organisation and its web address (host), for headers, footers and links."""
    meta = load_factsheet(factsheet).meta
    host = re.sub(
        r"^https?://([^/]+).*", r"\1", meta.resources[0].url if meta.resources else meta.source_url
    )
    return meta.organisation, host


def blocks(factsheet: Path) -> tuple[str, list[tuple[str, object]]]:
    """The factsheet's title and its blocks, in order: ("h2", title), ("h3", text),
    ("p", (lead, text)), ("ul"/"ol", [(lead, text, level), ...])."""
    sheet = load_factsheet(factsheet)
    out: list[tuple[str, object]] = []
    for section in sheet.sections:
        out.append(("h2", section.title))
        for block in section.blocks:
            if isinstance(block, Heading):
                out.append(("h3", block.text))
            elif isinstance(block, Paragraph):
                out.append(("p", (block.lead, shown(block.text))))
            elif isinstance(block, BulletList):
                items = [(i.lead, shown(i.text), i.level) for i in block.items]
                out.append(("ol" if block.ordered else "ul", items))
    return sheet.meta.title, out


# ------------------------------------------------------------------------------ PDF


def make_pdf(
    factsheet: Path,
    target: Path,
    *,
    columns: int = 1,
    repeat: int = 1,
    encrypt: str | None = None,
) -> Path:
    """A print PDF: title, running header and footer with page numbers, sections in
    bold, bullets, bold lead-ins; one or two columns. `repeat` copies the body to make
    a long document."""
    from reportlab.lib.enums import TA_LEFT
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import (
        BaseDocTemplate,
        Frame,
        ListFlowable,
        ListItem,
        PageTemplate,
        Spacer,
    )
    from reportlab.platypus import Paragraph as P

    title, body = blocks(factsheet)
    org, host = about(factsheet)
    base = ParagraphStyle("body", fontName="Helvetica", fontSize=10, leading=13, alignment=TA_LEFT)
    styles = {
        "title": ParagraphStyle(
            "title", fontName="Helvetica-Bold", fontSize=20, leading=24, spaceAfter=10
        ),
        "h2": ParagraphStyle(
            "h2", fontName="Helvetica-Bold", fontSize=13, leading=16, spaceBefore=8, spaceAfter=4
        ),
        "h3": ParagraphStyle(
            "h3", fontName="Helvetica-Bold", fontSize=11, leading=14, spaceBefore=6, spaceAfter=2
        ),
        "p": ParagraphStyle("p", parent=base, spaceAfter=6),
    }

    def para(lead: str | None, text: str, style: ParagraphStyle) -> P:
        lead_xml = f"<b>{html.escape(lead)}</b> " if lead else ""
        return P(lead_xml + html.escape(text), style)

    def bullet_list(kind: str, items: list[tuple[str | None, str, int]]) -> ListFlowable:
        """Items, with the deeper items after one as a list inside it."""
        flow: list[object] = []
        index = 0
        while index < len(items):
            lead, text, _ = items[index]
            inner = []
            index += 1
            while index < len(items) and items[index][2] > 1:
                inner.append(items[index])
                index += 1
            parts: list[object] = [para(lead, text, base)]
            if inner:
                parts.append(bullet_list(kind, [(a, b, 1) for a, b, _ in inner]))
            flow.append(ListItem(parts, leftIndent=14))
        style = (
            {"bulletType": "1", "bulletFormat": "%s."}
            if kind == "ol"
            else {"bulletType": "bullet", "start": "•"}
        )
        return ListFlowable(flow, leftIndent=14, bulletFontSize=10, **style)

    story: list[object] = [P(html.escape(title), styles["title"])]
    for _ in range(repeat):
        for kind, value in body:
            if kind in ("h2", "h3"):
                story.append(P(html.escape(str(value)), styles[kind]))
            elif kind == "p":
                lead, text = value  # type: ignore[misc]
                story.append(para(lead, text, styles["p"]))
            else:
                story.append(bullet_list(kind, value))  # type: ignore[arg-type]
                story.append(Spacer(1, 6))

    width, height = A4
    margin = 20 * mm

    def furniture(canvas, doc) -> None:  # noqa: ANN001 - reportlab's callback
        canvas.saveState()
        canvas.setFont("Helvetica", 8)
        canvas.drawString(margin, height - 12 * mm, f"{org} · Factsheet")
        canvas.drawRightString(width - margin, height - 12 * mm, title.split()[-1])
        canvas.drawString(margin, 10 * mm, f"© {org} · {host}")
        canvas.drawRightString(width - margin, 10 * mm, f"Page {doc.page}")
        canvas.restoreState()

    gap = 8 * mm
    column = (width - 2 * margin - gap * (columns - 1)) / columns
    frames = [
        Frame(margin + i * (column + gap), margin, column, height - 2 * margin, id=f"c{i}")
        for i in range(columns)
    ]
    options: dict[str, object] = {"title": title, "author": org, "subject": "", "lang": "en-US"}
    if encrypt:
        from reportlab.lib import pdfencrypt

        options["encrypt"] = pdfencrypt.StandardEncryption(encrypt, canPrint=1)
    doc = BaseDocTemplate(str(target), pagesize=A4, **options)
    doc.addPageTemplates([PageTemplate(id="page", frames=frames, onPage=furniture)])
    doc.build(story)
    return target


def make_image_pdf(target: Path) -> Path:
    """A 'scanned' page: a picture of text, no text in the PDF."""
    from PIL import Image, ImageDraw
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen.canvas import Canvas

    picture = Image.new("L", (600, 200), 255)
    ImageDraw.Draw(picture).text((20, 80), "What is IMNM? A rare muscle disease.", fill=0)
    canvas = Canvas(str(target), pagesize=A4)
    canvas.drawImage(ImageReader(picture), 50, 500, width=500, height=160)
    canvas.showPage()
    canvas.save()
    return target


def make_blank_pdf(target: Path) -> Path:
    from reportlab.pdfgen.canvas import Canvas

    canvas = Canvas(str(target))
    canvas.showPage()
    canvas.save()
    return target


# ----------------------------------------------------------------------------- Word


def make_docx(factsheet: Path, target: Path) -> Path:
    """A Word document: Title and Heading styles, List Bullet / List Number, bold
    lead-ins, and the web address as a real hyperlink."""
    import docx
    from docx.opc.constants import RELATIONSHIP_TYPE
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    title, body = blocks(factsheet)
    document = docx.Document()
    document.core_properties.title = title
    document.core_properties.author = "Jo Smith"
    document.add_paragraph(title, style="Title")

    def fill(paragraph, lead: str | None, text: str) -> None:  # noqa: ANN001
        if lead:
            paragraph.add_run(lead).bold = True
            paragraph.add_run(" ")
        address = re.search(r"www\.[\w-]+(?:\.[\w-]+)+", text)
        if not address:
            paragraph.add_run(text)
            return
        paragraph.add_run(text[: address.start()])
        url = f"https://{address.group(0)}/"
        rel = paragraph.part.relate_to(url, RELATIONSHIP_TYPE.HYPERLINK, is_external=True)
        link = OxmlElement("w:hyperlink")
        link.set(qn("r:id"), rel)
        run = OxmlElement("w:r")
        t = OxmlElement("w:t")
        t.text = address.group(0)
        run.append(t)
        link.append(run)
        paragraph._p.append(link)
        paragraph.add_run(text[address.end() :])

    for kind, value in body:
        if kind == "h2":
            document.add_heading(str(value), level=1)
        elif kind == "h3":
            document.add_heading(str(value), level=2)
        elif kind == "p":
            lead, text = value  # type: ignore[misc]
            fill(document.add_paragraph(), lead, text)
        else:
            style = "List Number" if kind == "ol" else "List Bullet"
            for lead, text, level in value:  # type: ignore[union-attr]
                # Word's built-in styles: "List Bullet 2" is the level inside.
                paragraph = document.add_paragraph(style=style + (f" {level}" if level > 1 else ""))
                fill(paragraph, lead, text)
    document.save(str(target))
    return target


# -------------------------------------------------------------------------- web page


def html_blocks(body: list[tuple[str, object]], text_html: object) -> list[str]:
    """The blocks as HTML elements; a deeper list item goes in a list inside the item
    before it. `text_html(lead, text)` makes an item's or paragraph's content."""
    out: list[str] = []
    for kind, value in body:
        if kind in ("h2", "h3"):
            out.append(f"<{kind}>{html.escape(str(value))}</{kind}>")
        elif kind == "p":
            out.append(f"<p>{text_html(*value)}</p>")  # type: ignore[misc, operator]
        else:
            items, open_inner = "", False
            for lead, text, level in value:  # type: ignore[union-attr]
                if level > 1 and not open_inner:
                    items = items.removesuffix("</li>") + f"<{kind}>"
                    open_inner = True
                elif level == 1 and open_inner:
                    items += f"</{kind}></li>"
                    open_inner = False
                items += f"<li>{text_html(lead, text)}</li>"  # type: ignore[operator]
            items += f"</{kind}></li>" if open_inner else ""
            out.append(f"<{kind}>{items}</{kind}>")
    return out


def make_html(factsheet: Path, target: Path) -> Path:
    """A saved page from a charity's site: navigation, a cookie banner, a sidebar and a
    footer around the factsheet."""
    title, body = blocks(factsheet)
    org, host = about(factsheet)
    e = html.escape

    def text_html(lead: str | None, text: str) -> str:
        out = e(text)
        out = re.sub(
            r"www\.[\w-]+(?:\.[\w-]+)+",
            lambda m: f'<a href="https://{m.group(0)}/">{m.group(0)}</a>',
            out,
        )
        return (f"<strong>{e(lead)}</strong> " if lead else "") + out

    main = [f"<h1>{e(title)}</h1>", *html_blocks(body, text_html)]
    menu = "".join(
        f'<li><a href="/{w.lower()}">{w}</a></li>'
        for w in ("Home", "About us", "Donate", "Events", "Shop", "Contact")
    )
    page = f"""<!DOCTYPE html>
<!-- saved from url=(0063)https://{host}/factsheet/ -->
<html lang="en-US"><head><meta charset="utf-8">
<title>{e(title)} | {org}</title>
<meta name="description" content="What IMNM is, its subgroups, symptoms, diagnosis and management.">
<meta property="og:site_name" content="{org}">
<link rel="canonical" href="https://{host}/factsheet/">
</head><body>
<div id="cookie-banner" class="cookie-consent"><p>We use cookies to improve your experience
on our website. By continuing to browse you agree to our use of cookies.</p>
<button>Accept all cookies</button><button>Manage preferences</button></div>
<header><a href="/">{org}</a><nav><ul>{menu}</ul></nav></header>
<div class="layout"><main><article>{"".join(main)}</article></main>
<aside><h2>Upcoming events</h2><p>Join our online support group every Tuesday evening.
Sign up for our newsletter to hear about new research.</p></aside></div>
<footer><p>Registered charity number 1234567. © 2026 {org}. All rights reserved.</p>
<ul><li><a href="/privacy">Privacy policy</a></li><li><a href="/terms">Terms of use</a></li>
</ul></footer></body></html>
"""
    target.write_text(page, encoding="utf-8")
    return target


# ------------------------------------------------------------------ printed by a browser


def article_html(factsheet: Path, columns: int = 1) -> str:
    """The factsheet as a printable page, the way a charity's site prints it."""
    title, body = blocks(factsheet)
    e = html.escape

    def text_html(lead: str | None, text: str) -> str:
        return (f"<strong>{e(lead)}</strong> " if lead else "") + e(text)

    parts = [f"<h1>{e(title)}</h1>", *html_blocks(body, text_html)]
    css = (
        "body { font: 11pt/1.4 'DejaVu Sans', sans-serif; } h1 { font-size: 22pt; } "
        "h2 { font-size: 15pt; } h3 { font-size: 12.5pt; } "
        f".text {{ column-count: {columns}; column-gap: 2em; }}"
    )
    return (
        f'<!DOCTYPE html><html lang="en-GB"><head><meta charset="utf-8"><title>{e(title)}'
        f"</title><style>{css}</style></head><body>{parts[0]}<div class='text'>"
        f"{''.join(parts[1:])}</div></body></html>"
    )


def make_browser_pdf(browser: object, factsheet: Path, target: Path, columns: int = 1) -> Path:
    """Printed to PDF by Chromium (Playwright): real fonts, CSS columns, a running header
    with the title and a footer with page numbers."""
    org, host = about(factsheet)
    page = browser.new_page()  # type: ignore[attr-defined]
    page.set_content(article_html(factsheet, columns))
    small = "font-size: 8pt; width: 100%; margin: 0 1.5cm;"
    page.pdf(
        path=str(target),
        format="A4",
        display_header_footer=True,
        header_template=f'<div style="{small}">{html.escape(org)} · '
        '<span class="title"></span></div>',
        footer_template=f'<div style="{small}">{html.escape(host)} · Page '
        '<span class="pageNumber"></span> of <span class="totalPages"></span></div>',
        margin={"top": "2cm", "bottom": "2cm", "left": "1.8cm", "right": "1.8cm"},
    )
    page.close()
    return target
