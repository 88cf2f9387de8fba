"""``socmodel report --format html``: the report document as one self-contained page.

No JavaScript, no external resource: CSS inline, figures as inline SVG. All user text is
escaped with :func:`html.escape`. Pure: document in, bytes out.
"""

from __future__ import annotations

from html import escape

from socmodel_cli.report import figures
from socmodel_cli.report.report_doc import (
    Block,
    Bullets,
    Document,
    Figure,
    Heading,
    Para,
    Provenance,
    Table,
)

CSS = """
:root { --pass: #1b7837; --fail: #b2182b; --insufficient: #b35806; --undefined: #6b6b6b; }
* { box-sizing: border-box; }
body { font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #1a1a1a;
  max-width: 72rem; margin: 0 auto; padding: 1rem; background: #fff; }
h1 { font-size: 1.6rem; margin: 0.5rem 0; }
h2 { font-size: 1.25rem; margin-top: 2rem; border-bottom: 1px solid #ccc; padding-bottom: 0.2rem; }
h3 { font-size: 1.05rem; margin-top: 1.2rem; }
.status { display: inline-block; font-size: 0.8rem; color: #fff; border-radius: 0.3rem;
  padding: 0.05rem 0.45rem; margin-left: 0.5rem; vertical-align: middle; }
.status-pass { background: var(--pass); } .status-fail { background: var(--fail); }
.status-insufficient { background: var(--insufficient); }
.status-undefined { background: var(--undefined); }
.verdict { font-size: 1.1rem; font-weight: 600; }
.methods { background: #f6f6f6; padding: 0.8rem; border-left: 4px solid #888; }
.scroll { overflow-x: auto; margin: 0.6rem 0; }
table { border-collapse: collapse; font-size: 0.85rem; }
caption { text-align: left; font-weight: 600; padding: 0.3rem 0; }
th, td { border: 1px solid #ccc; padding: 0.2rem 0.45rem; text-align: left; vertical-align: top; }
td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
th { background: #f0f0f0; }
td.hash { font-family: ui-monospace, monospace; font-size: 0.75rem; word-break: break-all;
  min-width: 12rem; }
th { overflow-wrap: anywhere; }
figure { margin: 0.8rem 0; }
figure svg { max-width: 100%; height: auto; }
nav ul { columns: 2; }
@media (max-width: 600px) { body { font-size: 14px; padding: 0.5rem; } nav ul { columns: 1; } }
@media print {
  @page { size: A4; margin: 15mm; }
  body { max-width: none; font-size: 10pt; padding: 0; }
  h2 { break-before: auto; break-after: avoid; }
  figure, table { break-inside: avoid; }
  .scroll { overflow: visible; }
  nav { display: none; }
}
"""


def _cell(text: str, src: str | None, header: bool = False) -> str:
    tag = "th" if header else "td"
    classes = []
    attrs = ""
    if src is not None:
        classes.append("num")
        attrs = f' data-src="{escape(src)}"'
    elif len(text) == 64 and all(ch in "0123456789abcdef" for ch in text):
        classes.append("hash")
    cls = f' class="{" ".join(classes)}"' if classes else ""
    scope = ' scope="row"' if header else ""
    return f"<{tag}{cls}{attrs}{scope}>{escape(text)}</{tag}>"


def _table(t: Table) -> str:
    head = "".join(f'<th scope="col">{escape(h)}</th>' for h in t.head)
    rows = []
    for row in t.rows:
        first, *rest = row
        cells = _cell(first.text, first.src, header=first.src is None)
        cells += "".join(_cell(c.text, c.src) for c in rest)
        rows.append(f"<tr>{cells}</tr>")
    thead = f"<thead><tr>{head}</tr></thead>" if any(t.head) else ""
    return (
        f'<div class="scroll"><table id="{escape(t.id)}"><caption>{escape(t.caption)}</caption>'
        f"{thead}<tbody>{''.join(rows)}</tbody></table></div>"
    )


def _block(b: Block) -> str:
    if isinstance(b, Heading):
        badge = (
            f' <span class="status status-{escape(b.status)}">{escape(b.status)}</span>'
            if b.status
            else ""
        )
        return f'<h{b.level} id="{escape(b.id)}">{escape(b.text)}{badge}</h{b.level}>'
    if isinstance(b, Para):
        cls = f' class="{escape(b.kind)}"' if b.kind else ""
        return f"<p{cls}>{escape(b.text)}</p>"
    if isinstance(b, Bullets):
        return "<ul>" + "".join(f"<li>{escape(item)}</li>" for item in b.items) + "</ul>"
    if isinstance(b, Figure):
        return (
            f'<figure id="fig-{escape(b.svg.name)}">{figures.inline(b.svg)}'
            f"<figcaption>{escape(b.svg.title)}</figcaption></figure>"
        )
    return _table(b)


def _nav(doc: Document) -> str:
    items = [
        f'<li><a href="#{escape(b.id)}">{escape(b.text)}</a></li>'
        for b in doc.blocks
        if isinstance(b, Heading) and b.level == 2
    ]
    return f'<nav aria-label="Contents"><ul>{"".join(items)}</ul></nav>'


def render_html(doc: Document, provenance: Provenance) -> bytes:
    body = "\n".join(_block(b) for b in doc.blocks)
    page = (
        "<!DOCTYPE html>\n"
        '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f'<meta name="generator" content="socmodel {escape(provenance.version)}">\n'
        f"<title>{escape(doc.title)}</title>\n<style>{CSS}</style>\n</head>\n<body>\n"
        f"<header><h1>{escape(doc.title)}</h1></header>\n{_nav(doc)}\n<main>\n{body}\n</main>\n"
        "</body>\n</html>\n"
    )
    return page.encode("utf-8")
