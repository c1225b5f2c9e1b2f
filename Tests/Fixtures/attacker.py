#!/usr/bin/env python3
"""An attacker on suppressed tables, written independently of ReportKit's algorithm.

It sees only what a reader sees: the published cells (null when suppressed), the equations
(sum of coefficient * cell = 0) and the inequalities (>= 0), and the fact that cells are
non-negative integers. For every suppressed cell it tries three attacks:

  linear    exact Gauss-Jordan elimination with fractions.Fraction over the suppressed columns
            (published terms moved to the right-hand side); a reduced row with a single
            unknown solves it.
  bounds    interval propagation (x >= 0, integer rounding) over the original and the reduced
            equations and the inequalities, to a fixpoint; lower == upper solves the cell.
  brute     for connected groups of at most 7 unknowns with finite bounds, enumerate every
            integer assignment; a cell with one value in all solutions is solved.

Input (argv[1]): JSON list of {"name", "published": [int|null], "equations": [[[cell, coef]..]..],
"inequalities": [...]}. Output (stdout): JSON list of {"name", "solved": [[cell, value, attack]..]}.
"""
import itertools
import json
import sys
from fractions import Fraction


def attack(problem):
    pub = problem["published"]
    unknown = [i for i, v in enumerate(pub) if v is None]
    is_unknown = set(unknown)
    solved = {}

    def restrict(form):
        """(unknown part {cell: coef}, constant) with sum(coef*x) = constant (or >= constant)."""
        row, const = {}, Fraction(0)
        for cell, coef in form:
            if cell in is_unknown:
                row[cell] = row.get(cell, 0) + Fraction(coef)
            else:
                const -= Fraction(coef) * pub[cell]
        return {c: a for c, a in row.items() if a != 0}, const

    eqs = [restrict(f) for f in problem["equations"]]
    ineqs = [restrict(f) for f in problem.get("inequalities", [])]
    eqs = [(r, b) for r, b in eqs if r]
    ineqs = [(r, b) for r, b in ineqs if r]

    # --- linear: Gauss-Jordan, pivot = lowest cell index (a different rule from ReportKit's).
    pivots = {}  # cell -> (row, rhs)
    for row, rhs in eqs:
        row = dict(row)
        for p in [c for c in row if c in pivots]:
            if p not in row:
                continue
            prow, prhs = pivots[p]
            f = row[p] / prow[p]
            for c, a in prow.items():
                v = row.get(c, 0) - f * a
                if v == 0:
                    row.pop(c, None)
                else:
                    row[c] = v
            rhs -= f * prhs
        if not row:
            if rhs != 0:
                raise SystemExit("inconsistent published table in %s" % problem["name"])
            continue
        p = min(row)
        scale = row[p]
        row = {c: a / scale for c, a in row.items()}
        rhs = rhs / scale
        for q in list(pivots):
            qrow, qrhs = pivots[q]
            if p in qrow:
                f = qrow[p]
                for c, a in row.items():
                    v = qrow.get(c, 0) - f * a
                    if v == 0:
                        qrow.pop(c, None)
                    else:
                        qrow[c] = v
                pivots[q] = (qrow, qrhs - f * rhs)
        pivots[p] = (row, rhs)
    for p, (row, rhs) in pivots.items():
        if len(row) == 1:
            solved[p] = (rhs, "linear")

    # --- bounds: propagate over equations (original and reduced) and inequalities.
    lo = {c: Fraction(0) for c in unknown}
    hi = {c: None for c in unknown}  # None = unbounded
    for c, (v, _) in solved.items():
        lo[c] = hi[c] = v
    constraints = [(r, b, "eq") for r, b in eqs] + [(r, b, "eq") for r, b in pivots.values()] \
        + [(r, b, "ge") for r, b in ineqs]
    import math

    def tighten():
        changed = False
        for row, b, kind in constraints:
            # sum a_i x_i (= or >=) b.  For each j: a_j x_j (= or >=) b - sum_{i!=j} a_i x_i.
            for j, aj in row.items():
                # max and min of sum_{i != j} a_i x_i
                smax, smin = Fraction(0), Fraction(0)
                inf_max = inf_min = False
                for i, ai in row.items():
                    if i == j:
                        continue
                    if ai > 0:
                        smin += ai * lo[i]
                        if hi[i] is None:
                            inf_max = True
                        else:
                            smax += ai * hi[i]
                    else:
                        smax += ai * lo[i]
                        if hi[i] is None:
                            inf_min = True
                        else:
                            smin += ai * hi[i]
                # a_j x_j >= b - smax  (both kinds);  a_j x_j <= b - smin (equations only)
                new_lo, new_hi = lo[j], hi[j]
                if not inf_max:
                    t = (b - smax) / aj
                    if aj > 0:
                        new_lo = max(new_lo, Fraction(math.ceil(t)))
                    else:
                        v = Fraction(math.floor(t))
                        new_hi = v if new_hi is None else min(new_hi, v)
                if kind == "eq" and not inf_min:
                    t = (b - smin) / aj
                    if aj > 0:
                        v = Fraction(math.floor(t))
                        new_hi = v if new_hi is None else min(new_hi, v)
                    else:
                        new_lo = max(new_lo, Fraction(math.ceil(t)))
                if new_lo != lo[j] or new_hi != hi[j]:
                    lo[j], hi[j] = new_lo, new_hi
                    changed = True
        return changed

    for _ in range(60):
        if not tighten():
            break
    for c in unknown:
        if c not in solved and hi[c] is not None and lo[c] == hi[c]:
            solved[c] = (lo[c], "bounds")

    # --- brute force on small connected groups of unknowns.
    parent = {c: c for c in unknown}

    def find(x):
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for row, _, _ in constraints:
        cells = list(row)
        for c in cells[1:]:
            a, b = find(cells[0]), find(c)
            if a != b:
                parent[a] = b
    groups = {}
    for c in unknown:
        groups.setdefault(find(c), []).append(c)
    for cells in groups.values():
        if len(cells) > 7 or any(hi[c] is None for c in cells):
            continue
        ranges = [range(int(lo[c]), int(hi[c]) + 1) for c in cells]
        size = 1
        for r in ranges:
            size *= len(r)
        if size > 300000:
            continue
        cellset = set(cells)
        mine = [(r, b, k) for r, b, k in constraints if set(r) <= cellset]
        seen = {c: set() for c in cells}
        for combo in itertools.product(*ranges):
            x = dict(zip(cells, combo))
            ok = True
            for row, b, kind in mine:
                s = sum(a * x[c] for c, a in row.items())
                if (kind == "eq" and s != b) or (kind == "ge" and s < b):
                    ok = False
                    break
            if ok:
                for c in cells:
                    seen[c].add(x[c])
        for c in cells:
            if len(seen[c]) == 1 and c not in solved:
                solved[c] = (Fraction(next(iter(seen[c]))), "brute")

    out = []
    for c in sorted(solved):
        v, how = solved[c]
        out.append([c, int(v) if v.denominator == 1 else str(v), how])
    return out


def main():
    with open(sys.argv[1]) as f:
        problems = json.load(f)
    json.dump([{"name": p["name"], "solved": attack(p)} for p in problems], sys.stdout)


if __name__ == "__main__":
    main()
