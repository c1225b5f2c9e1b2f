#!/usr/bin/env python3
"""Checks a slide chart: the SVG (well-formed, every <text> inside the view box and inside its
panel, no two texts overlapping, expected strings present) and its PNG rendering (not blank,
right and bottom margins white). Text is measured with the real DejaVu Sans advance widths read
from the font files (fontmetrics.py), not with ReportKit's own table.

usage: check_chart.py FILE.svg FILE.png [--expect TEXT]... [--min-ink SHARE]   exit 0 when everything holds."""
import os
import struct
import sys
import xml.etree.ElementTree as ET
import zlib

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from fontmetrics import BOLD, REGULAR, Font  # noqa: E402

SVG = "{http://www.w3.org/2000/svg}"
ASCENT, DESCENT = 0.93, 0.24


def read_png(path):
    data = open(path, "rb").read()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    pos, idat, width = 8, b"", None
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos: pos + 8])
        body = data[pos + 8: pos + 8 + length]
        if kind == b"IHDR":
            width, height, depth, colour, _, _, interlace = struct.unpack(">IIBBBBB", body)
            assert depth == 8 and interlace == 0, "unsupported PNG"
            channels = {2: 3, 6: 4, 0: 1, 4: 2}[colour]
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    raw = zlib.decompress(idat)
    stride = width * channels
    rows, prev = [], bytearray(stride)
    for y in range(height):
        f = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1: (y + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - channels] if i >= channels else 0
            b = prev[i]
            c = prev[i - channels] if i >= channels else 0
            if f == 1:
                line[i] = (line[i] + a) & 255
            elif f == 2:
                line[i] = (line[i] + b) & 255
            elif f == 3:
                line[i] = (line[i] + (a + b) // 2) & 255
            elif f == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        rows.append(line)
        prev = line
    return width, height, channels, rows


def white(px, channels):
    """White, or fully transparent (shown on a white slide)."""
    if channels in (2, 4) and px[-1] < 10:
        return True
    return all(v >= 245 for v in px[: (3 if channels >= 3 else 1)])


def main():
    args = sys.argv[1:]
    svg_path, png_path = args[0], args[1]
    expect = [args[i + 1] for i, a in enumerate(args) if a == "--expect"]
    min_ink = float(args[args.index("--min-ink") + 1]) if "--min-ink" in args else 0.02
    problems = []
    source = open(svg_path, encoding="utf-8").read()
    root = ET.fromstring(source.encode("utf-8"))  # raises on malformed XML
    vb = [float(v) for v in root.get("viewBox").split()]
    W, H = vb[2], vb[3]
    if (W, H) != (1600.0, 900.0):
        problems.append("viewBox is %r" % vb)
    if not root.get("font-family", "").startswith("DejaVu Sans"):
        problems.append("font-family does not start with DejaVu Sans")
    for text in expect:
        if text not in source:
            problems.append("missing text %r" % text)
    fonts = {False: Font(REGULAR), True: Font(BOLD)}

    boxes = []

    def walk(node, panel):
        if node.tag == SVG + "g" and node.get("class") == "panel":
            panel = (float(node.get("data-x")), float(node.get("data-y")),
                     float(node.get("data-width")), float(node.get("data-height")), node.get("id"))
        if node.tag == SVG + "text":
            s = "".join(node.itertext())
            size = float(node.get("font-size"))
            bold = node.get("font-weight") == "bold"
            w = fonts[bold].width(s, size)
            x, y = float(node.get("x")), float(node.get("y"))
            anchor = node.get("text-anchor", "start")
            x0 = x - (w if anchor == "end" else w / 2 if anchor == "middle" else 0)
            box = (x0, y - ASCENT * size, x0 + w, y + DESCENT * size, s)
            boxes.append(box)
            eps = 0.5
            if box[0] < -eps or box[1] < -eps or box[2] > W + eps or box[3] > H + eps:
                problems.append("text %r outside the view box: %r" % (s, box[:4]))
            if panel:
                px, py, pw, ph, pid = panel
                if box[0] < px - eps or box[1] < py - eps or box[2] > px + pw + eps or box[3] > py + ph + eps:
                    problems.append("text %r outside its panel %s %r: %r" % (s, pid, panel[:4], box[:4]))
        for child in node:
            walk(child, panel)

    walk(root, None)
    for i in range(len(boxes)):
        for j in range(i + 1, len(boxes)):
            a, b = boxes[i], boxes[j]
            if a[0] < b[2] - 0.5 and b[0] < a[2] - 0.5 and a[1] < b[3] - 0.5 and b[1] < a[3] - 0.5:
                problems.append("texts overlap: %r %r" % (a, b))

    w, h, ch, rows = read_png(png_path)
    if (w, h) != (1600, 900):
        problems.append("PNG is %dx%d" % (w, h))
    dark = 0
    for row in rows:
        for x in range(0, w, 2):
            if not white(row[x * ch: x * ch + ch], ch):
                dark += 1
    share = dark / (w * h / 2)
    if share < min_ink:
        problems.append("image nearly blank: %.4f non-white" % share)
    for y in range(h):
        for x in range(w - 12, w):
            if not white(rows[y][x * ch: x * ch + ch], ch):
                problems.append("right margin not white at %d,%d" % (x, y))
                break
        else:
            continue
        break
    for y in range(h - 8, h):
        for x in range(w):
            if not white(rows[y][x * ch: x * ch + ch], ch):
                problems.append("bottom margin not white at %d,%d" % (x, y))
                break
        else:
            continue
        break
    print("%s: %d texts, %.1f%% non-white, %d problems" % (os.path.basename(svg_path), len(boxes), share * 100, len(problems)))
    for p in problems[:40]:
        print("  " + p)
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
