"""HTML the screens show: a table with its header cells and row headings, every value escaped."""

from __future__ import annotations

import html
from collections.abc import Sequence


def html_table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """A responsive Bootstrap table: ``header`` as column headings, each row's first cell as its row heading."""
    head = "".join(f"<th scope='col'>{html.escape(h)}</th>" for h in header)
    body = "".join("<tr>" + f"<th scope='row'>{html.escape(r[0])}</th>" + "".join(f"<td>{html.escape(c)}</td>" for c in r[1:]) + "</tr>" for r in rows)
    return f"<div class='table-responsive'><table class='table table-sm'><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></div>"


__all__ = ["html_table"]
