"""A plain, high-contrast square cover made from the factsheet's titles (when none is given)."""

from __future__ import annotations

import io
import textwrap

from PIL import Image, ImageDraw, ImageFont

SIZE = 1400  # Apple Podcasts asks for 1400-3000 px square
BACKGROUND = (10, 35, 66)  # dark navy; white text on it has a contrast ratio above 13:1
FOREGROUND = (255, 255, 255)
ACCENT = (255, 209, 102)


def make_cover(short_title: str, title: str, organisation: str) -> bytes:
    image = Image.new("RGB", (SIZE, SIZE), BACKGROUND)
    draw = ImageDraw.Draw(image)
    margin = 110
    big = ImageFont.load_default(size=_fit(draw, short_title, 300, SIZE - 2 * margin))
    medium = ImageFont.load_default(size=64)
    small = ImageFont.load_default(size=52)
    draw.rectangle((margin, margin, margin + 180, margin + 24), fill=ACCENT)
    y = margin + 120
    draw.text((margin, y), short_title, font=big, fill=FOREGROUND)
    y += big.size + 80
    for line in textwrap.wrap(title, width=30)[:5]:
        draw.text((margin, y), line, font=medium, fill=FOREGROUND)
        y += 84
    draw.text(
        (margin, SIZE - margin - 52),
        "Audio factsheet · " + organisation[:40],
        font=small,
        fill=ACCENT,
    )
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=False)
    return out.getvalue()


def _fit(draw: ImageDraw.ImageDraw, text: str, size: int, width: int) -> int:
    while size > 40:
        font = ImageFont.load_default(size=size)
        if draw.textlength(text, font=font) <= width:
            return size
        size -= 10
    return size
