"""The one table of document writers: a laid-out document in markdown, latex or html.

Each view's layout makes the blocks (:mod:`.layout`, :mod:`.matrix_layout`,
:mod:`.expression_layout`); this is the only place that picks a writer for a format.
"""

from __future__ import annotations

from .blocks import Document

#: The formats a laid-out document is written in.
WRITTEN = ("markdown", "latex", "html")


def write(document: Document, output_format: str) -> str:
    """A laid-out document in markdown, latex or html: the one table of document writers."""
    if output_format == "markdown":
        from .markdown import MarkdownWriter

        return MarkdownWriter(document).write()
    if output_format == "latex":
        from .latex import LatexWriter

        return LatexWriter(document).write()
    from .html import HtmlWriter

    return HtmlWriter(document).write()
