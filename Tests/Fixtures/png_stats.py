#!/usr/bin/env python3
"""Reads a PNG (8-bit greyscale, RGB or RGBA, not interlaced) with the standard library only and
prints JSON: its size, the share of dark pixels (luma < 128) and of non-white ones (< 250), and
the bounding box of the non-white pixels. The printed-page tests use it to tell a blank
screenshot from a page."""
import json
import struct
import sys
import zlib


def read(path):
    data = open(path, "rb").read()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    pos, idat, header = 8, b"", None
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    width, height, depth, colour, _, _, interlace = header
    assert depth == 8 and interlace == 0 and colour in (0, 2, 6), "unsupported PNG"
    channels = {0: 1, 2: 3, 6: 4}[colour]
    raw = zlib.decompress(idat)
    stride = width * channels
    rows, previous = [], bytearray(stride)
    for y in range(height):
        kind = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        if kind == 1:
            for i in range(channels, stride):
                line[i] = (line[i] + line[i - channels]) & 255
        elif kind == 2:
            for i in range(stride):
                line[i] = (line[i] + previous[i]) & 255
        elif kind == 3:
            for i in range(stride):
                left = line[i - channels] if i >= channels else 0
                line[i] = (line[i] + ((left + previous[i]) >> 1)) & 255
        elif kind == 4:
            for i in range(stride):
                a = line[i - channels] if i >= channels else 0
                b = previous[i]
                c = previous[i - channels] if i >= channels else 0
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        rows.append(line)
        previous = line
    return width, height, channels, rows


def main():
    width, height, channels, rows = read(sys.argv[1])
    dark = ink = 0
    left, top, right, bottom = width, height, -1, -1
    for y, line in enumerate(rows):
        for x in range(width):
            i = x * channels
            luma = line[i] if channels == 1 else (299 * line[i] + 587 * line[i + 1] + 114 * line[i + 2]) // 1000
            if luma < 250:
                ink += 1
            if luma < 128:
                dark += 1
                left, right, top, bottom = min(left, x), max(right, x), min(top, y), max(bottom, y)
    total = width * height
    print(json.dumps({"width": width, "height": height, "dark": dark / total, "ink": ink / total,
                      "box": [left, top, right, bottom]}))


main()
