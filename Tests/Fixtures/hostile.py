#!/usr/bin/env python3
"""Generates hostile and awkward birth declarations as JSON Lines.

  hostile.py bad N SEED   N lines, every one of which civlink must refuse (wrong types, missing
                          fields, invalid UTF-8, huge values, deep nesting, traversal strings,
                          invalid ID numbers, impossible dates, unknown fields, control characters)
  hostile.py receipts DIR N MESSAGE_ID
                          N receipts civlink must quarantine (malformed, invalid UTF-8, unknown or
                          traversal message ids, wrong procedure, results breaking their rules)
  hostile.py awkward      valid declarations with SQL and shell metacharacters and NFD names,
                          which civlink must accept and store NFC, never interpreted
"""
import json
import random
import sys
import unicodedata

BASE = {
    "province": "40", "commune": "17986",
    "child": {"full_name": "Nguyễn Thị Ánh", "sex": "female", "date_of_birth": "2026-11-15",
              "place_of_birth": "Bệnh viện Sản Nhi Nghệ An", "ethnicity": "Kinh", "nationality": "Việt Nam"},
    "medical_birth_certificate": {"number": "GCS-1", "issuer": "Bệnh viện"},
    "mother": {"full_name": "Trần Thị Bình", "date_of_birth": "1995-03-02", "personal_id": "040195000123"},
    "declarant": {"full_name": "Trần Thị Bình", "relationship": "mother", "personal_id": "040195000123"},
}
WRONG_TYPES = [1, 1.5, True, [], {}, ["x"], {"a": "b"}]
NAME_BAD = ["", " ", "x" * 5000, "\u0000", "a\u0007b", "\u202e", "ab\u200bcd", "line\nbreak"]
DATE_BAD = ["", "2026-02-30", "2026-13-01", "9999-99-99", "\uff12\uff10\uff12\uff16-01-01", "-1", "26-01-01", "2026/01/01"]
ID_BAD = ["", "99999999999", "0401950001234", "999195000123", "../../etc/passwd", "04019500012x", "\u0664" * 12]
MOTHER_ID_BAD = ID_BAD + ["040095000123", "040196000123"]
CODE_BAD = ["", "x" * 5000, "'; DROP TABLE dossiers; --", "a b", "\u0000", "số-1"]
BAD = {
    ("child", "full_name"): NAME_BAD, ("mother", "full_name"): NAME_BAD, ("child", "place_of_birth"): NAME_BAD,
    ("child", "sex"): ["", "f", "MALE", "other", "../../etc/passwd"],
    ("child", "date_of_birth"): DATE_BAD, ("mother", "date_of_birth"): DATE_BAD,
    ("mother", "personal_id"): MOTHER_ID_BAD, ("declarant", "personal_id"): ID_BAD,
    ("province",): ["", "-1", "99", "../../etc/passwd", "4"], ("commune",): ["", "-1", "99999999999", "../../etc/passwd"],
    ("medical_birth_certificate", "number"): CODE_BAD,
}
PATHS = list(BAD)


def clone():
    return json.loads(json.dumps(BASE))


def set_path(obj, path, value, delete=False):
    for key in path[:-1]:
        obj = obj[key]
    if delete:
        obj.pop(path[-1], None)
    else:
        obj[path[-1]] = value


def bad_line(rng, i):
    kind = i % 9
    d = clone()
    d["medical_birth_certificate"]["number"] = f"H{i}"
    if kind == 0:  # a required field missing
        set_path(d, rng.choice(PATHS), None, delete=True)
    elif kind == 1:  # a wrong or hostile value
        path = rng.choice(PATHS)
        set_path(d, path, rng.choice(WRONG_TYPES + BAD[path]))
    elif kind == 2:  # an unknown field (a typo)
        set_path(d, (rng.choice(["child", "mother", "declarant"]), rng.choice(["fullname", "ful_name", "sexx", "id"])), "x")
    elif kind == 3:  # deep nesting
        depth = rng.randint(20, 200)
        return ('{"a":' * depth + "1" + "}" * depth).encode()
    elif kind == 4:  # not an object
        return json.dumps(rng.choice([[], [1, 2], "text", 42, None, True])).encode()
    elif kind == 5:  # invalid UTF-8 inside a name
        raw = json.dumps(d, ensure_ascii=False).encode()
        return raw.replace("Ánh".encode(), rng.choice([b"\xc3\x28", b"\xff\xfe", b"\xed\xa0\x80", b"\xc0\xaf"]))
    elif kind == 6:  # huge values
        set_path(d, ("child", "place_of_birth"), "Đ" * rng.randint(301, 20000))
    elif kind == 7:  # a broken document
        raw = json.dumps(d, ensure_ascii=False)
        cut = rng.randint(1, len(raw) - 2)
        return raw[:cut].encode()
    else:  # the child born before the mother, or in the future
        set_path(d, ("child", "date_of_birth"), rng.choice(["1990-01-01", "2027-01-01", "2099-12-31"]))
    return json.dumps(d, ensure_ascii=False).encode()


def awkward_lines():
    names = ["Robert'); DROP TABLE dossiers;--", "$(rm -rf /) `id` ; | & > <", "O'Brien \"Bobby\" \\n",
             unicodedata.normalize("NFD", "Nguyễn Thị Ánh Dương"), unicodedata.normalize("NFD", "Đặng Quốc Việt")]
    for i, name in enumerate(names):
        d = clone()
        d["child"]["full_name"] = name
        d["child"]["place_of_birth"] = "%s%n%x {{7*7}} ${HOME} " + name
        d["medical_birth_certificate"]["number"] = f"AWK-{i}"
        d["mother"]["personal_id"] = f"040195{900000 + i:06d}"
        yield json.dumps(d, ensure_ascii=False).encode()


def hostile_receipts(directory, count, message_id, seed=3):
    """Writes COUNT receipts into DIRECTORY that civlink must quarantine, none applied."""
    import os
    rng = random.Random(seed)
    dossier = message_id.split(".")[0]
    kinds = [
        lambda i: b"{not json " + str(i).encode(),
        lambda i: b'{"format":"civlink.receipt/1","message_id":"\xc3\x28' + str(i).encode() + b'"}',
        lambda i: json.dumps({"format": "civlink.receipt/1", "message_id": f"../../etc/passwd{i}", "procedure": "personal-id",
                              "status": "completed", "result": {"personal_id": "040326000001"}}).encode(),
        lambda i: json.dumps({"format": "civlink.receipt/1", "message_id": f"B26-ZZZZ-ZZZZ.personal-id.{i}", "procedure": "personal-id",
                              "status": "completed", "result": {"personal_id": "040326000001"}}).encode(),
        lambda i: json.dumps({"format": "civlink.receipt/1", "message_id": message_id, "procedure": "funeral-allowance",
                              "status": "completed", "result": {"decision": f"QD-{i}", "amount_vnd": 1}}).encode(),
        lambda i: json.dumps({"format": "civlink.receipt/1", "message_id": message_id, "procedure": "personal-id",
                              "status": "completed", "n": i,
                              "result": {"personal_id": rng.choice(["12345", "999326000001", "040026000001", "001326000001", f"x{i}"])}}).encode(),
        lambda i: json.dumps({"format": "civlink.receipt/1", "message_id": message_id, "procedure": "personal-id",
                              "status": rng.choice(["done", "", 7, None]), "n": i}).encode(),
        lambda i: ('{"a":' * 300 + str(i) + "}" * 300).encode(),
        lambda i: json.dumps([message_id, i]).encode(),
        lambda i: json.dumps({"format": "civlink.receipt/1", "message_id": message_id, "procedure": "personal-id",
                              "status": "rejected", "reason": "x" * 70000, "n": i}).encode(),
    ]
    os.makedirs(directory, exist_ok=True)
    for i in range(count):
        with open(os.path.join(directory, f"hostile-{i:05d}.json"), "wb") as f:
            f.write(kinds[i % len(kinds)](i))


if __name__ == "__main__":
    out = sys.stdout.buffer
    if sys.argv[1] == "receipts":
        hostile_receipts(sys.argv[2], int(sys.argv[3]), sys.argv[4])
    elif sys.argv[1] == "bad":
        rng = random.Random(int(sys.argv[3]) if len(sys.argv) > 3 else 1)
        for i in range(int(sys.argv[2])):
            line = bad_line(rng, i)
            out.write(line + b"\n")
    else:
        for line in awkward_lines():
            out.write(line + b"\n")

