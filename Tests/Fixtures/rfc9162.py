#!/usr/bin/env python3
"""Independent verifier for the TransparencyLog Swift package.

Written from the specifications, sharing no code with the Swift implementation:

* RFC 9162 section 2.1: Merkle Tree Hash (recursive definition), inclusion proof verification
  (2.1.3.2) and consistency proof verification (2.1.4.2), literally.
* C2SP signed-note: strict note parsing, Ed25519 (type 0x01) signatures, verifier keys.
* C2SP tlog-checkpoint: strict body parsing.
* C2SP tlog-cosignature: Ed25519 cosignature/v1 (type 0x04) with its timestamp.

* civlink's use of them (civlink-log(5)): an event's hash is the SHA-256 of its RFC 8785 form
  (written here with json.dumps, sorted keys, no spaces), a leaf's data is that hash's 32 bytes;
  proofs (civlink.proof/1), checkpoint envelopes (civlink.checkpoint/1) and a whole ledger read
  with the sqlite3 module (chain, tree root, checkpoint).

Only the standard library (hashlib, base64, json, sqlite3) and the `cryptography` package (Ed25519).

Usage:
    rfc9162.py selftest          known-answer tests of this verifier itself
    rfc9162.py check CASES.json  verify every case, print {"results": [...]} as JSON
"""

import base64
import binascii
import hashlib
import json
import re
import sqlite3
import sys

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives import serialization


class Refused(Exception):
    """A proof, note, key or checkpoint refused, with the reason."""


# ---------------------------------------------------------------------------------------------
# RFC 9162 section 2.1

def sha256(data):
    return hashlib.sha256(data).digest()


def leaf_hash(data):
    return sha256(b"\x00" + data)


def node_hash(left, right):
    return sha256(b"\x01" + left + right)


EMPTY_ROOT = sha256(b"")


class Leaves:
    """A list of leaves with a Merkle Tree Hash memoised on large perfect subtrees."""

    def __init__(self, hashes):
        self.hashes = hashes
        self.cache = {}

    def mth(self, lo, hi):
        """MTH(D[lo:hi]) by the RFC 9162 2.1.1 definition."""
        n = hi - lo
        if n == 0:
            return EMPTY_ROOT
        if n == 1:
            return self.hashes[lo]
        perfect = n & (n - 1) == 0
        if perfect and n >= 1024 and (lo, hi) in self.cache:
            return self.cache[(lo, hi)]
        k = 1
        while k * 2 < n:  # the largest power of two smaller than n
            k *= 2
        h = node_hash(self.mth(lo, lo + k), self.mth(lo + k, hi))
        if perfect and n >= 1024:
            self.cache[(lo, hi)] = h
        return h

    def root(self, size):
        if size > len(self.hashes):
            raise Refused("tree size %d beyond the %d leaves" % (size, len(self.hashes)))
        return self.mth(0, size)


def generated_leaf(seed, i):
    """The leaf data the Swift tests generate for a seed: UTF-8 "<seed>/<i>"."""
    return ("%s/%d" % (seed, i)).encode()


def verify_inclusion(leaf_index, tree_size, hash_, inclusion_path, root_hash):
    """RFC 9162 2.1.3.2, step by step."""
    # 1.
    if leaf_index >= tree_size:
        raise Refused("leaf_index >= tree_size")
    # 2.
    fn, sn = leaf_index, tree_size - 1
    # 3.
    r = hash_
    # 4.
    for p in inclusion_path:
        if len(p) != 32:
            raise Refused("path element is not 32 bytes")
        # a.
        if sn == 0:
            raise Refused("sn is 0 with path elements left (path too long)")
        # b.
        if fn & 1 or fn == sn:
            r = node_hash(p, r)  # i.
            if not fn & 1:  # ii.
                while not (fn & 1 or fn == 0):
                    fn >>= 1
                    sn >>= 1
        else:
            r = node_hash(r, p)
        # c.
        fn >>= 1
        sn >>= 1
    # 5.
    if sn != 0:
        raise Refused("sn is not 0 at the end (path too short)")
    if r != root_hash:
        raise Refused("computed root differs from root_hash")


def verify_consistency(first, second, first_hash, second_hash, consistency_path):
    """RFC 9162 2.1.4.2 for 0 < first < second; outside it (no algorithm in the RFC) a tree is
    consistent with itself and the empty tree (root SHA-256()) with any tree, with empty paths."""
    for c in consistency_path:
        if len(c) != 32:
            raise Refused("path element is not 32 bytes")
    if first > second:
        raise Refused("first > second")
    if first == second:
        if consistency_path:
            raise Refused("non-empty path for equal sizes")
        if first_hash != second_hash:
            raise Refused("different roots for equal sizes")
        return
    if first == 0:
        if consistency_path:
            raise Refused("non-empty path from the empty tree")
        if first_hash != EMPTY_ROOT:
            raise Refused("the empty tree's root is not SHA-256()")
        return
    # 1.
    if not consistency_path:
        raise Refused("consistency_path is empty")
    path = list(consistency_path)
    # 2.
    if first & (first - 1) == 0:
        path.insert(0, first_hash)
    # 3.
    fn, sn = first - 1, second - 1
    # 4.
    while fn & 1:
        fn >>= 1
        sn >>= 1
    # 5.
    fr = sr = path[0]
    # 6.
    for c in path[1:]:
        # a.
        if sn == 0:
            raise Refused("sn is 0 with path elements left (path too long)")
        # b.
        if fn & 1 or fn == sn:
            fr = node_hash(c, fr)
            sr = node_hash(c, sr)
            if not fn & 1:
                while not (fn & 1 or fn == 0):
                    fn >>= 1
                    sn >>= 1
        else:
            sr = node_hash(sr, c)
        # c.
        fn >>= 1
        sn >>= 1
    # 7.
    if sn != 0:
        raise Refused("sn is not 0 at the end (path too short)")
    if fr != first_hash:
        raise Refused("fr differs from first_hash")
    if sr != second_hash:
        raise Refused("sr differs from second_hash")


# ---------------------------------------------------------------------------------------------
# C2SP signed-note, tlog-checkpoint, tlog-cosignature

B64_CHARS = re.compile(r"\A[A-Za-z0-9+/]*={0,2}\Z")


def b64decode_strict(text):
    """Standard padded base64, canonical only (no stray characters, zero unused bits)."""
    if len(text) % 4 != 0 or not B64_CHARS.match(text):
        raise Refused("not padded standard base64")
    try:
        raw = base64.b64decode(text, validate=True)
    except binascii.Error:
        raise Refused("not base64")
    if base64.b64encode(raw).decode("ascii") != text:
        raise Refused("non-canonical base64 (unused bits set)")
    return raw


# Unicode White_Space property.
WHITE_SPACE = set(range(0x09, 0x0E)) | {0x20, 0x85, 0xA0, 0x1680} | set(range(0x2000, 0x200B)) | {
    0x2028, 0x2029, 0x202F, 0x205F, 0x3000}


def valid_key_name(name):
    return name != "" and "+" not in name and not any(ord(ch) in WHITE_SPACE for ch in name)


def key_id(name, type_byte, public_key):
    return int.from_bytes(sha256(name.encode() + b"\n" + bytes([type_byte]) + public_key)[:4], "big")


class Verifier:
    def __init__(self, vkey):
        parts = vkey.split("+", 2)
        if len(parts) != 3:
            raise Refused("verifier key is not name+hash+key")
        name, hash16, key64 = parts
        if not valid_key_name(name):
            raise Refused("invalid key name")
        if not re.fullmatch(r"[0-9a-fA-F]{8}", hash16):
            raise Refused("key hash is not 8 hex digits")
        material = b64decode_strict(key64)
        if len(material) != 33 or material[0] not in (0x01, 0x04):
            raise Refused("not an Ed25519 (0x01) or cosignature/v1 (0x04) key")
        self.name = name
        self.type = material[0]
        self.public_key = material[1:]
        self.key_id = int(hash16, 16)
        if self.key_id != key_id(name, self.type, self.public_key):
            raise Refused("key hash does not match the key")
        self.key = Ed25519PublicKey.from_public_bytes(self.public_key)

    def verify(self, text, sig):
        if self.type == 0x01:
            message = text
        else:
            if len(sig) != 72:
                return False
            timestamp = int.from_bytes(sig[:8], "big")
            if timestamp > 2 ** 63 - 1:
                return False
            try:
                parse_checkpoint(text)
            except Refused:
                return False
            message = b"cosignature/v1\ntime %d\n" % timestamp + text
            sig = sig[8:]
        if len(sig) != 64:
            return False
        try:
            self.key.verify(sig, message)
            return True
        except InvalidSignature:
            return False


def open_note(msg, verifiers):
    """Returns (text, verified [(name, key_id, sig)], unverified)."""
    try:
        decoded = msg.decode("utf-8", errors="strict")
    except UnicodeDecodeError:
        raise Refused("note is not valid UTF-8")
    if any(ord(ch) < 0x20 and ch != "\n" for ch in decoded):
        raise Refused("control character other than newline")
    split = msg.rfind(b"\n\n")
    if split < 0:
        raise Refused("no blank line")
    text, block = msg[:split + 1], msg[split + 2:]
    if not block or not block.endswith(b"\n"):
        raise Refused("signature block does not end in a newline")
    known = {}
    for v in verifiers:
        known.setdefault((v.name, v.key_id), []).append(v)
    verified, unverified = [], []
    lines = block[:-1].split(b"\n")
    if len(lines) > 100:
        raise Refused("too many signatures")
    for line in lines:
        prefix = "\u2014 ".encode()
        if not line.startswith(prefix):
            raise Refused("signature line does not start with an em dash and a space")
        rest = line[len(prefix):].decode()
        name, space, b64 = rest.partition(" ")
        if not space or not valid_key_name(name) or b64 == "":
            raise Refused("malformed signature line")
        raw = b64decode_strict(b64)
        if len(raw) < 5:
            raise Refused("signature too short")
        kid, sig = int.from_bytes(raw[:4], "big"), raw[4:]
        candidates = known.get((name, kid))
        if not candidates:
            unverified.append((name, kid, sig))
            continue
        if len(candidates) > 1:
            raise Refused("ambiguous verifier")
        if not candidates[0].verify(text, sig):
            raise Refused("invalid signature from known key %s" % name)
        if (name, kid) not in [(n, k) for n, k, _ in verified]:
            verified.append((name, kid, sig))
    if not verified:
        raise Refused("no verified signature")
    return text, verified, unverified


def parse_checkpoint(text):
    if not text.endswith(b"\n"):
        raise Refused("checkpoint text does not end in a newline")
    lines = text[:-1].split(b"\n")
    if len(lines) < 3 or any(line == b"" for line in lines):
        raise Refused("checkpoint needs three or more non-empty lines")
    origin = lines[0].decode()
    if not re.fullmatch(rb"0|[1-9][0-9]*", lines[1]):
        raise Refused("tree size is not canonical decimal")
    size = int(lines[1])
    if size >= 2 ** 64:
        raise Refused("tree size too large")
    root = b64decode_strict(lines[2].decode())
    if len(root) != 32:
        raise Refused("root hash is not 32 bytes")
    return origin, size, root, [line.decode() for line in lines[3:]]


# ---------------------------------------------------------------------------------------------
# civlink

def canonical(value):
    """RFC 8785 for the JSON civlink writes (strings, integers, booleans, null, arrays, objects)."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def event_hash(event):
    return sha256(canonical(event))


def open_checkpoint(note, log_vkey, witness_vkeys=(), quorum=0):
    """Opens a signed checkpoint with the log's key (and witnesses'); returns (origin, size, root, cosigners)."""
    log = Verifier(log_vkey)
    if log.type != 0x01:
        raise Refused("the log key is not an Ed25519 (0x01) key")
    witnesses = [Verifier(v) for v in witness_vkeys]
    text, verified, _ = open_note(note.encode(), [log] + witnesses)
    if (log.name, log.key_id) not in [(n, k) for n, k, _ in verified]:
        raise Refused("no valid log signature")
    origin, size, root, _ = parse_checkpoint(text)
    if origin != log.name:
        raise Refused("the checkpoint's origin is not the log key's name")
    ids = {(w.name, w.key_id) for w in witnesses}
    cosigners = sorted(n for n, k, _ in verified if (n, k) in ids)
    if len(cosigners) < quorum:
        raise Refused("only %d witness cosignatures" % len(cosigners))
    return origin, size, root, cosigners


def check_proof(proof, log_vkey, witness_vkeys=()):
    """civlink.proof/1: the checkpoint, and each event's inclusion in its tree."""
    if proof.get("format") != "civlink.proof/1":
        raise Refused("not a civlink.proof/1 document")
    origin, size, root, cosigners = open_checkpoint(proof["checkpoint"], log_vkey, witness_vkeys, len(witness_vkeys))
    seqs = []
    for entry in proof["events"]:
        event = entry["event"]
        if event["dossier"] != proof["dossier"] or entry["leaf_index"] != event["seq"] - 1:
            raise Refused("event %r is not the dossier's at its leaf" % event.get("seq"))
        h = event_hash(event)
        if entry.get("event_hash") is not None and bytes.fromhex(entry["event_hash"]) != h:
            raise Refused("event_hash is not the SHA-256 of the event's canonical form")
        verify_inclusion(entry["leaf_index"], size, leaf_hash(h), [bytes.fromhex(p) for p in entry["inclusion_path"]], root)
        seqs.append(event["seq"])
    return {"origin": origin, "size": size, "root": root.hex(), "seqs": seqs, "cosigners": cosigners}


def check_ledger(path, note, log_vkey):
    """Reads a ledger's events with sqlite3: every hash and link, then the root of the checkpoint's
    first `size` events recomputed from them."""
    origin, size, root, _ = open_checkpoint(note, log_vkey)
    db = sqlite3.connect("file:%s?mode=ro" % path, uri=True)
    rows = db.execute("SELECT seq, dossier_id, at, actor, kind, procedure, detail, prev_hash, hash FROM events ORDER BY seq").fetchall()
    db.close()
    prev = "0" * 64
    leaves = []
    for n, (seq, dossier, at, actor, kind, procedure, detail, prev_hash, stored) in enumerate(rows, 1):
        if seq != n or prev_hash != prev:
            raise Refused("event %d is not chained to the one before it" % seq)
        event = {"seq": seq, "dossier": dossier, "at": at, "actor": actor, "kind": kind, "procedure": procedure,
                 "detail": json.loads(detail), "prev": prev_hash}
        h = event_hash(event)
        if h.hex() != stored:
            raise Refused("event %d does not match its hash" % seq)
        leaves.append(leaf_hash(h))
        prev = stored
    if size > len(leaves):
        raise Refused("the checkpoint covers %d events; the ledger has %d" % (size, len(leaves)))
    tree = Leaves(leaves)
    if tree.root(size) != root:
        raise Refused("the root of the first %d events is not the checkpoint's" % size)
    return {"origin": origin, "size": size, "events": len(leaves), "root": tree.root(len(leaves)).hex()}


# ---------------------------------------------------------------------------------------------
# Cases

def leaves_for(case, leaf_sets):
    spec = case["leaves"]
    key = json.dumps(spec, sort_keys=True)
    if key not in leaf_sets:
        if "hex" in spec:
            data = [bytes.fromhex(h) for h in spec["hex"]]
        else:
            data = [generated_leaf(spec["seed"], i) for i in range(spec["count"])]
        leaf_sets[key] = (data, Leaves([leaf_hash(d) for d in data]))
    return leaf_sets[key]


def check_case(case, leaf_sets):
    kind = case["kind"]
    result = {"id": case["id"]}
    if kind == "root":
        _, tree = leaves_for(case, leaf_sets)
        result["root_ok"] = tree.root(case["size"]).hex() == case["root"]
        result["ok"] = result["root_ok"]
    elif kind == "inclusion":
        data, tree = leaves_for(case, leaf_sets)
        result["root_ok"] = tree.root(case["root_size"]).hex() == case["root"]
        leaf = leaf_hash(data[case["leaf"]])
        verify_inclusion(case["index"], case["size"], leaf, [bytes.fromhex(p) for p in case["path"]],
                         bytes.fromhex(case["root"]))
        result["ok"] = True
    elif kind == "consistency":
        _, tree = leaves_for(case, leaf_sets)
        result["root_ok"] = (tree.root(case["old_root_size"]).hex() == case["old_root"]
                             and tree.root(case["new_root_size"]).hex() == case["new_root"])
        verify_consistency(case["old_size"], case["new_size"], bytes.fromhex(case["old_root"]),
                           bytes.fromhex(case["new_root"]), [bytes.fromhex(p) for p in case["path"]])
        result["ok"] = True
    elif kind == "note":
        verifiers = [Verifier(v) for v in case["vkeys"]]
        text, verified, _ = open_note(case["note"].encode(), verifiers)
        result["text"] = text.decode()
        result["verified"] = sorted(name for name, _, _ in verified)
        result["ok"] = True
    elif kind == "checkpoint":
        log = Verifier(case["log_vkey"])
        witnesses = [Verifier(v) for v in case.get("witness_vkeys", [])]
        text, verified, _ = open_note(case["note"].encode(), [log] + witnesses)
        origin, size, root, extensions = parse_checkpoint(text)
        if (log.name, log.key_id) not in [(n, k) for n, k, _ in verified]:
            raise Refused("no valid log signature")
        witness_ids = {(w.name, w.key_id) for w in witnesses}
        cosigned = [(n, int.from_bytes(s[:8], "big")) for n, k, s in verified if (n, k) in witness_ids]
        if len(cosigned) < case.get("quorum", 0):
            raise Refused("only %d witness cosignatures" % len(cosigned))
        if "leaves" in case:
            _, tree = leaves_for(case, leaf_sets)
            if tree.root(size) != root:
                raise Refused("checkpoint root is not MTH of the leaves")
        result.update({"origin": origin, "size": size, "root": root.hex(), "extensions": extensions,
                       "cosignatures": sorted([n, t] for n, t in cosigned)})
        result["ok"] = True
    elif kind == "keys":
        vkey = Verifier(case["vkey"])
        parts = case["skey"].split("+", 4)
        if len(parts) != 5 or parts[:2] != ["PRIVATE", "KEY"]:
            raise Refused("signer key is not PRIVATE+KEY+name+hash+key")
        name, hash16, seed64 = parts[2:]
        material = b64decode_strict(seed64)
        if len(material) != 33 or material[0] != vkey.type:
            raise Refused("signer key type or length")
        public = Ed25519PrivateKey.from_private_bytes(material[1:]).public_key().public_bytes(
            serialization.Encoding.Raw, serialization.PublicFormat.Raw)
        if name != vkey.name or public != vkey.public_key or int(hash16, 16) != vkey.key_id:
            raise Refused("signer key does not match verifier key")
        result["ok"] = True
    elif kind == "civlink-proof":
        result.update(check_proof(case["proof"], case["log_vkey"], case.get("witness_vkeys", [])))
        result["ok"] = True
    elif kind == "civlink-consistency":
        # An envelope's proofs, or an audit's: from an old checkpoint to a new one.
        _, old_size, old_root, _ = open_checkpoint(case["old"], case["log_vkey"])
        _, new_size, new_root, _ = open_checkpoint(case["new"], case["log_vkey"])
        verify_consistency(old_size, new_size, old_root, new_root, [bytes.fromhex(p) for p in case["path"]])
        result.update({"old_size": old_size, "new_size": new_size})
        result["ok"] = True
    elif kind == "civlink-ledger":
        result.update(check_ledger(case["ledger"], case["checkpoint"], case["log_vkey"]))
        result["ok"] = True
    else:
        raise ValueError("unknown case kind %r" % kind)
    return result


def check(path):
    with open(path) as f:
        cases = json.load(f)["cases"]
    leaf_sets = {}
    results = []
    for case in cases:
        try:
            results.append(check_case(case, leaf_sets))
        except Refused as refusal:
            results.append({"id": case["id"], "ok": False, "reason": str(refusal),
                            "root_ok": None})
    json.dump({"results": results}, sys.stdout)
    sys.stdout.write("\n")


# ---------------------------------------------------------------------------------------------
# Known answers for this verifier itself (RFC 6962 test vectors, golang.org/x/mod/sumdb/note).

def selftest():
    leaves = [bytes.fromhex(h) for h in ["", "00", "10", "2021", "3031", "40414243",
                                          "5051525354555657", "606162636465666768696a6b6c6d6e6f"]]
    roots = ["6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
             "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
             "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
             "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
             "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
             "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
             "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
             "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328"]
    tree = Leaves([leaf_hash(d) for d in leaves])
    assert tree.root(0) == EMPTY_ROOT
    for n in range(1, 9):
        assert tree.root(n).hex() == roots[n - 1], n
    h = bytes.fromhex
    inclusion = [(0, 8, ["96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
                         "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                         "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"]),
                 (5, 8, ["bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
                         "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
                         "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"]),
                 (2, 3, ["fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125"]),
                 (1, 5, ["6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
                         "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                         "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"])]
    for index, size, path in inclusion:
        verify_inclusion(index, size, tree.hashes[index], [h(p) for p in path], h(roots[size - 1]))
        try:
            verify_inclusion(index, size, tree.hashes[index], [h(p) for p in path[:-1]], h(roots[size - 1]))
            raise AssertionError("truncated inclusion proof accepted")
        except Refused:
            pass
    consistency = [(1, 8, ["96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
                           "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                           "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"]),
                   (6, 8, ["0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
                           "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
                           "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"]),
                   (2, 5, ["5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                           "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"]),
                   (6, 7, ["0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
                           "b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f",
                           "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"])]
    for first, second, path in consistency:
        verify_consistency(first, second, h(roots[first - 1]), h(roots[second - 1]), [h(p) for p in path])
        try:
            verify_consistency(first, second, h(roots[first - 1]), h(roots[second - 1]), [h(p) for p in path[1:]])
            raise AssertionError("truncated consistency proof accepted")
        except Refused:
            pass
    # golang.org/x/mod/sumdb/note test vectors.
    text = ("If you think cryptography is the answer to your problem,\n"
            "then you don't know what your problem is.\n")
    peter = Verifier("PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW")
    enoch = Verifier("EnochRoot+af0cfe78+ATtqJ7zOtqQtYqOo0CpvDXNlMhV3HeJDpjrASKGLWdop")
    peter_sig = ("\u2014 PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgK"
                 "vqfqdngotpRZb6KE6RyyBwJnAM=\n")
    enoch_sig = ("\u2014 EnochRoot rwz+eBzmZa0SO3NbfRGzPCpDckykFXSdeX+MNtCOXm2/5n2tiOHp+vAF1aGrQ5ovTG01oOTGw"
                 "nWLox33WWd1RvMc+QQ=\n")
    got, verified, unverified = open_note((text + "\n" + peter_sig + enoch_sig).encode(), [peter])
    assert got.decode() == text and [v[0] for v in verified] == ["PeterNeumann"] and len(unverified) == 1
    _, verified, _ = open_note((text + "\n" + peter_sig + enoch_sig).encode(), [peter, enoch])
    assert len(verified) == 2
    seed = b64decode_strict("AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz")[1:]
    signature = Ed25519PrivateKey.from_private_bytes(seed).sign(text.encode())
    assert base64.b64encode((0xc74f20a3).to_bytes(4, "big") + signature).decode() == peter_sig.split(" ")[2].strip()
    for bad in [text, text + "\n", "\x01" + text + "\n" + peter_sig, text + "\n" + peter_sig + "Unexpected line.\n",
                text + "\n" + peter_sig[:60] + "ABCD" + peter_sig[60:]]:
        try:
            open_note(bad.encode(), [peter])
            raise AssertionError("bad note accepted: %r" % bad)
        except Refused:
            pass
    # Cosignature key of transparency-dev/formats' tests (type 0x04).
    Verifier("remora.n621.de+da77ade7+BOvN63jn/bLvkieywe8R6UYAtVtNbZpXh34x7onlmtw2")
    for good, value in [("YQ==", b"a"), ("YWI=", b"ab"), ("YWJj", b"abc"), ("", b"")]:
        assert b64decode_strict(good) == value
    for bad in ["YR==", "YWJ=", "Y Q==", "YQ=", "YQ", "YQ==\n", "Y===", "=YQ=", "YQ-_"]:
        try:
            b64decode_strict(bad)
            raise AssertionError("non-canonical base64 accepted: %r" % bad)
        except Refused:
            pass
    print("selftest ok")


if __name__ == "__main__":
    if len(sys.argv) == 2 and sys.argv[1] == "selftest":
        selftest()
    elif len(sys.argv) == 3 and sys.argv[1] == "check":
        check(sys.argv[2])
    else:
        sys.stderr.write(__doc__)
        sys.exit(2)
