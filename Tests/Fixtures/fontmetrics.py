#!/usr/bin/env python3
"""DejaVu Sans advance widths read straight from the installed TrueType files (standard library
only: the cmap format 4 subtable and hmtx), for generating ReportKit's TextWidth table and for the
chart check to measure text independently of ReportKit's own estimator."""
import struct

REGULAR = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
BOLD = "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"


class Font:
    def __init__(self, path):
        data = open(path, "rb").read()
        num = struct.unpack(">H", data[4:6])[0]
        tables = {}
        for i in range(num):
            tag, _, off, length = struct.unpack(">4sIII", data[12 + 16 * i: 28 + 16 * i])
            tables[tag.decode()] = (off, length)
        self.upem = struct.unpack(">H", data[tables["head"][0] + 18: tables["head"][0] + 20])[0]
        hhea = tables["hhea"][0]
        self.ascent, self.descent = struct.unpack(">hh", data[hhea + 4: hhea + 8])
        n_hmetrics = struct.unpack(">H", data[hhea + 34: hhea + 36])[0]
        hmtx = tables["hmtx"][0]
        self.advances = [struct.unpack(">H", data[hmtx + 4 * i: hmtx + 4 * i + 2])[0] for i in range(n_hmetrics)]
        cmap = tables["cmap"][0]
        n = struct.unpack(">H", data[cmap + 2: cmap + 4])[0]
        self.map = {}
        for i in range(n):
            pid, eid, off = struct.unpack(">HHI", data[cmap + 4 + 8 * i: cmap + 12 + 8 * i])
            sub = cmap + off
            fmt = struct.unpack(">H", data[sub: sub + 2])[0]
            if fmt == 4 and pid == 3 and eid == 1:
                segx2 = struct.unpack(">H", data[sub + 6: sub + 8])[0]
                seg = segx2 // 2
                ends = struct.unpack(">%dH" % seg, data[sub + 14: sub + 14 + segx2])
                starts = struct.unpack(">%dH" % seg, data[sub + 16 + segx2: sub + 16 + 2 * segx2])
                deltas = struct.unpack(">%dh" % seg, data[sub + 16 + 2 * segx2: sub + 16 + 3 * segx2])
                ro_pos = sub + 16 + 3 * segx2
                ros = struct.unpack(">%dH" % seg, data[ro_pos: ro_pos + segx2])
                for k in range(seg):
                    for c in range(starts[k], ends[k] + 1):
                        if c == 0xFFFF:
                            continue
                        if ros[k] == 0:
                            g = (c + deltas[k]) & 0xFFFF
                        else:
                            addr = ro_pos + 2 * k + ros[k] + 2 * (c - starts[k])
                            g = struct.unpack(">H", data[addr: addr + 2])[0]
                            if g:
                                g = (g + deltas[k]) & 0xFFFF
                        self.map[c] = g

    def advance(self, ch):
        g = self.map.get(ord(ch), 0)
        return self.advances[min(g, len(self.advances) - 1)]

    def width(self, text, size):
        return sum(self.advance(c) for c in text) * size / self.upem


if __name__ == "__main__":
    import unicodedata
    for path in (REGULAR, BOLD):
        f = Font(path)
        print(path, "upem", f.upem, "ascent", f.ascent, "descent", f.descent)
        print([f.advance(chr(c)) for c in range(32, 127)])
        extra = "…–—·×’‘“”°−\u00a0đĐ"
        print([(c, f.advance(c)) for c in extra])
        viet = "àáảãạăằắẳẵặâầấẩẫậèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵ"
        viet += viet.upper()
        diffs = []
        for c in viet:
            base = unicodedata.normalize("NFD", c)[0]
            if f.advance(c) != f.advance(base):
                diffs.append((c, f.advance(c), base, f.advance(base)))
        print("vietnamese differing from base:", diffs)
