"""Charts drawn on the server as SVG (issue 22): no script, nothing from a CDN, readable when printed.

Colours are SVG presentation attributes, not inline styles, so the pages' Content-Security-Policy
(``style-src 'self'``) holds; every chart carries a <title> and text labels, so it reads without colour.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from markupsafe import Markup

PALETTE = ["#1f5f9e", "#c0392b", "#2e8b57", "#d68910", "#6c3483", "#117a65", "#7b7d7d", "#a04000"]


def _svg(width: int, height: int, title: str, body: list[str]) -> Markup:
    head = (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {width} {height}" '
        f'role="img" aria-label="{escape(title)}" preserveAspectRatio="xMinYMin meet">'
        f"<title>{escape(title)}</title>"
    )
    return Markup(head + "".join(body) + "</svg>")


def _number(value: float) -> str:
    whole = round(value)
    return f"{whole:,}".replace(",", ".")


def hbars(title: str, items: Sequence[tuple[str, int]], *, width: int = 640) -> Markup:
    """One horizontal bar per label (e.g. dossiers per stage), the count written at the bar's end."""
    rows = [(label, value) for label, value in items if value > 0] or [("Không có hồ sơ", 0)]
    bar_h, gap, label_w = 22, 6, 220
    height = len(rows) * (bar_h + gap) + gap
    top = max((v for _, v in rows), default=0) or 1
    room = width - label_w - 70
    body = []
    for i, (label, value) in enumerate(rows):
        y = gap + i * (bar_h + gap)
        w = max(1, round(room * value / top)) if value else 0
        colour = PALETTE[i % len(PALETTE)]
        body.append(
            f'<text x="{label_w - 8}" y="{y + 15}" text-anchor="end" font-size="13" fill="#222">{escape(label)}</text>'
            f'<rect x="{label_w}" y="{y}" width="{w}" height="{bar_h}" fill="{colour}"/>'
            f'<text x="{label_w + w + 6}" y="{y + 15}" font-size="13" fill="#222">{_number(value)}</text>'
        )
    return _svg(width, height, title, body)


def grouped_bars(
    title: str, groups: Sequence[tuple[str, Sequence[int]]], series: Sequence[str], *, width: int = 640
) -> Markup:
    """Vertical bars in groups (weeks, or stages this year against last year), with a legend."""
    height, left, bottom, top_pad = 260, 44, 56, 28
    plot_w, plot_h = width - left - 10, height - bottom - top_pad
    top = max((v for _, values in groups for v in values), default=0) or 1
    n = max(1, len(groups))
    slot = plot_w / n
    bar_w = max(2.0, (slot - 6) / max(1, len(series)))
    body = [
        f'<line x1="{left}" y1="{top_pad + plot_h}" x2="{width - 10}" y2="{top_pad + plot_h}" stroke="#888"/>',
        f'<text x="{left - 6}" y="{top_pad + 4}" text-anchor="end" font-size="11" fill="#555">{_number(top)}</text>',
        f'<text x="{left - 6}" y="{top_pad + plot_h}" text-anchor="end" font-size="11" fill="#555">0</text>',
    ]
    for gi, (label, values) in enumerate(groups):
        x0 = left + gi * slot + 3
        for si, value in enumerate(values):
            h = round(plot_h * value / top)
            x = x0 + si * bar_w
            body.append(
                f'<rect x="{x:.1f}" y="{top_pad + plot_h - h}" width="{bar_w - 1:.1f}" height="{h}" '
                f'fill="{PALETTE[si % len(PALETTE)]}"><title>{escape(label)} — {escape(series[si])}: '
                f"{_number(value)}</title></rect>"
            )
        if n <= 16 or gi % 2 == 0:
            body.append(
                f'<text x="{x0 + slot / 2 - 3:.1f}" y="{top_pad + plot_h + 14}" text-anchor="middle" '
                f'font-size="10" fill="#333">{escape(label)}</text>'
            )
    for si, name in enumerate(series):
        x = left + si * 170
        body.append(
            f'<rect x="{x}" y="{height - 22}" width="12" height="12" fill="{PALETTE[si % len(PALETTE)]}"/>'
            f'<text x="{x + 16}" y="{height - 12}" font-size="12" fill="#222">{escape(name)}</text>'
        )
    return _svg(width, height, title, body)
