#!/usr/bin/env python3
"""Prints the cells of an OpenDocument spreadsheet's first sheet as JSON, standard library only:
[[{"type": "float"|"string"|"date"|..., "value": office:value or date-value or null,
"text": the shown text, "formula": bool}, ...], ...], one list per row, repeated cells expanded.

usage: ods_cells.py FILE.ods"""
import json
import sys
import xml.etree.ElementTree as ET
import zipfile

NS = {
    "table": "urn:oasis:names:tc:opendocument:xmlns:table:1.0",
    "office": "urn:oasis:names:tc:opendocument:xmlns:office:1.0",
    "text": "urn:oasis:names:tc:opendocument:xmlns:text:1.0",
}


def q(prefix, name):
    return "{%s}%s" % (NS[prefix], name)


def main():
    root = ET.fromstring(zipfile.ZipFile(sys.argv[1]).read("content.xml"))
    sheet = root.find(".//table:table", NS)
    rows = []
    for row in sheet.iter(q("table", "table-row")):
        cells = []
        for cell in row:
            if cell.tag not in (q("table", "table-cell"), q("table", "covered-table-cell")):
                continue
            repeat = int(cell.get(q("table", "number-columns-repeated"), "1"))
            kind = cell.get(q("office", "value-type"))
            value = cell.get(q("office", "value")) or cell.get(q("office", "date-value"))
            text = "\n".join("".join(p.itertext()) for p in cell.findall("text:p", NS))
            entry = {"type": kind, "value": value, "text": text, "formula": cell.get(q("table", "formula")) is not None}
            cells.extend([entry] * min(repeat, 64))
        while cells and cells[-1]["type"] is None and not cells[-1]["text"]:
            cells.pop()
        if cells:
            rows.append(cells)
    print(json.dumps(rows, ensure_ascii=False))


if __name__ == "__main__":
    main()
