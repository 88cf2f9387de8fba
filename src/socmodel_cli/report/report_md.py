"""``socmodel report --format md``: the report document as Markdown plus a folder of SVG figures.

Pure: document in, the Markdown text and the figure files (name -> bytes) out; the command
writes the folder all-or-nothing.
"""

from __future__ import annotations

from socmodel_cli.report.report_doc import Block, Bullets, Document, Figure, Heading, Para, Table


def _escape(text: str) -> str:
    """Markdown-inert text: HTML and Markdown punctuation become entities or escapes."""
    out = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    for ch in "\\`*_[]|#":
        out = out.replace(ch, "\\" + ch)
    return out.replace("\n", " ")


def _table(t: Table) -> list[str]:
    width = max(len(t.head), *(len(r) for r in t.rows)) if t.rows else len(t.head)
    head = [_escape(h) for h in t.head] + [""] * (width - len(t.head))
    lines = [f"**{_escape(t.caption)}**", "", "| " + " | ".join(head) + " |"]
    lines.append("|" + "|".join("---:" if i else "---" for i in range(width)) + "|")
    for row in t.rows:
        lines.append("| " + " | ".join(_escape(c.text) for c in row) + " |")
    return [*lines, ""]


def _block(b: Block, folder: str) -> list[str]:
    if isinstance(b, Heading):
        status = f" ({b.status})" if b.status else ""
        return ["#" * b.level + " " + _escape(b.text) + status, ""]
    if isinstance(b, Para):
        text = _escape(b.text)
        return [f"**{text}**" if b.kind == "verdict" else text, ""]
    if isinstance(b, Bullets):
        return [*(f"- {_escape(item)}" for item in b.items), ""]
    if isinstance(b, Figure):
        alt = _escape(f"{b.svg.title}. {b.svg.desc}")
        return [f"![{alt}]({folder}/{b.svg.name}.svg)", ""]
    return _table(b)


def render_markdown(doc: Document, folder: str) -> tuple[str, dict[str, bytes]]:
    """The Markdown text (figures linked as ``folder/NAME.svg``) and the figure files."""
    lines = [f"# {_escape(doc.title)}", ""]
    for b in doc.blocks:
        lines.extend(_block(b, folder))
    files = {f"{svg.name}.svg": svg.text.encode("utf-8") for svg in doc.figures}
    return "\n".join(lines).rstrip("\n") + "\n", files
