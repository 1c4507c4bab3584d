"""Label colours that stay readable on light and dark palettes.

Schema colours are pastel fills. A confirmed span gets the full colour with black or white text
chosen by contrast (never the palette's text colour, which is white on dark themes); a model
suggestion gets the same colour, translucent, over the palette's base, with the palette's own
text colour, so it looks lighter than a confirmed span on either palette.
"""
from __future__ import annotations

from functools import lru_cache

from PySide6.QtGui import QColor

SUGGESTION_ALPHA = 95


def luminance(color: QColor) -> float:
    def channel(c: float) -> float:
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    return 0.2126 * channel(color.redF()) + 0.7152 * channel(color.greenF()) + 0.0722 * channel(color.blueF())


@lru_cache(maxsize=256)
def fill(hex_color: str) -> QColor:
    return QColor(hex_color)


@lru_cache(maxsize=256)
def text_on(hex_color: str) -> QColor:
    """Black or white, whichever contrasts more with ``hex_color``."""
    return QColor("#000000") if luminance(QColor(hex_color)) > 0.22 else QColor("#ffffff")


@lru_cache(maxsize=256)
def suggestion_fill(hex_color: str) -> QColor:
    color = QColor(hex_color)
    color.setAlpha(SUGGESTION_ALPHA)
    return color


@lru_cache(maxsize=256)
def line_color(hex_color: str, dark_palette: bool) -> QColor:
    """Underlines and outlines: darker on light backgrounds, lighter on dark ones."""
    color = QColor(hex_color)
    return color.lighter(130) if dark_palette else color.darker(150)


def is_dark(base: QColor) -> bool:
    return base.lightnessF() < 0.5
