"""Draws the app icons as real PNGs with the standard library only (a dev tool, run once).

    .venv/bin/python -m journal.pwa.icons      # rewrites journal/static/icons/*.png

The mark is a white circle holding a check mark on the app's accent green. "any" icons are a rounded
square with transparent corners; maskable and Apple touch icons are full-bleed squares with the mark
inside the central safe zone (a circle of 40 % radius), because launchers crop them to their own shape.
Shapes are signed distance functions with one-pixel analytic anti-aliasing, written as palette PNGs so
the files stay small. Nothing here runs in the app.
"""
from __future__ import annotations

import math
import struct
import zlib
from pathlib import Path

ACCENT = (0x2F, 0x6F, 0x62)  # --accent in app.css (the manifest's theme_color)
WHITE = (0xFF, 0xFF, 0xFF)
ICONS_DIR = Path(__file__).resolve().parent.parent / "static" / "icons"

# name -> (size in px, full_bleed)
ICONS = {
    "icon-32.png": (32, False),
    "icon-192.png": (192, False),
    "icon-512.png": (512, False),
    "icon-maskable-512.png": (512, True),
    "apple-touch-icon.png": (180, True),
}


def _segment_distance(px: float, py: float, ax: float, ay: float, bx: float, by: float) -> float:
    dx, dy = bx - ax, by - ay
    t = max(0.0, min(1.0, ((px - ax) * dx + (py - ay) * dy) / (dx * dx + dy * dy)))
    return math.hypot(px - ax - t * dx, py - ay - t * dy)


def _rounded_square(px: float, py: float, half: float, radius: float) -> float:
    qx, qy = abs(px) - half + radius, abs(py) - half + radius
    return math.hypot(max(qx, 0.0), max(qy, 0.0)) + min(max(qx, qy), 0.0) - radius


def _coverage(distance: float) -> float:
    """Fraction of a pixel inside a shape whose signed distance (in px) at the pixel centre is given."""
    return max(0.0, min(1.0, 0.5 - distance))


def draw(size: int, full_bleed: bool) -> list[list[tuple[int, int, int, int]]]:
    """RGBA rows of the icon at `size` px."""
    half = size / 2
    # The mark's scale: inside the maskable safe zone when full-bleed, larger on the rounded square.
    circle_r = size * (0.30 if full_bleed else 0.34)
    stroke = circle_r * 0.16
    check = [(-0.42, 0.02), (-0.12, 0.32), (0.44, -0.28)]  # in units of circle_r, y down
    points = [(x * circle_r, y * circle_r) for x, y in check]
    rows = []
    for j in range(size):
        row = []
        for i in range(size):
            x, y = i + 0.5 - half, j + 0.5 - half
            background = 1.0 if full_bleed else _coverage(_rounded_square(x, y, half, size * 0.22))
            disc = _coverage(math.hypot(x, y) - circle_r)
            mark = _coverage(min(_segment_distance(x, y, *points[0], *points[1]),
                                 _segment_distance(x, y, *points[1], *points[2])) - stroke / 2)
            # accent background, white disc over it, accent check mark over the disc
            white = disc * (1 - mark)
            color = tuple(round(a * (1 - white) + w * white) for a, w in zip(ACCENT, WHITE, strict=True))
            alpha = max(background, disc)
            row.append((*color, round(alpha * 255)))
        rows.append(row)
    return rows


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def encode_png(rows: list[list[tuple[int, int, int, int]]]) -> bytes:
    """A palette PNG (colour type 3, with tRNS) when the image has ≤ 256 colours, else RGBA."""
    height, width = len(rows), len(rows[0])
    colors = sorted({pixel for row in rows for pixel in row}, key=lambda p: (-p[3], p))
    if len(colors) <= 256:
        index = {pixel: n for n, pixel in enumerate(colors)}
        raw = b"".join(b"\x00" + bytes(index[p] for p in row) for row in rows)
        header = struct.pack(">IIBBBBB", width, height, 8, 3, 0, 0, 0)
        alphas = bytes(p[3] for p in colors).rstrip(b"\xff")
        extra = _chunk(b"PLTE", b"".join(bytes(p[:3]) for p in colors))
        if alphas:
            extra += _chunk(b"tRNS", alphas)
    else:
        raw = b"".join(b"\x00" + b"".join(bytes(p) for p in row) for row in rows)
        header = struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0)
        extra = b""
    return (b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", header) + extra
            + _chunk(b"IDAT", zlib.compress(raw, 9)) + _chunk(b"IEND", b""))


def _quantize(rows, levels: int = 32):
    """Round edge pixels to fewer shades so that every icon fits a 256-colour palette."""
    step = 255 / (levels - 1)

    def q(v: int) -> int:
        return round(round(v / step) * step)

    return [[(q(r), q(g), q(b), q(a)) if a not in (0, 255) or (r, g, b) not in (ACCENT, WHITE)
             else (r, g, b, a) for r, g, b, a in row] for row in rows]


def main() -> None:
    ICONS_DIR.mkdir(parents=True, exist_ok=True)
    for name, (size, full_bleed) in ICONS.items():
        data = encode_png(_quantize(draw(size, full_bleed)))
        (ICONS_DIR / name).write_bytes(data)
        print(f"{name}: {size}x{size}, {len(data):,} bytes")


if __name__ == "__main__":
    main()
