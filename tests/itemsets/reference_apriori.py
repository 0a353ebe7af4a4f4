"""Plain-Python references for the Apriori kernels and API: slow, obvious, and independent."""

from __future__ import annotations

import math
from itertools import combinations


def brute_force_itemsets(baskets, min_count, max_len=None):
    """{frozenset: count} of every itemset held by >= min_count baskets, by enumeration."""
    sets = [frozenset(b) for b in baskets]
    universe = sorted(set().union(*sets), key=repr) if sets else []
    found = {}
    top = len(universe) if max_len is None else min(max_len, len(universe))
    for k in range(1, top + 1):
        any_frequent = False
        for combo in combinations(universe, k):
            s = frozenset(combo)
            c = sum(1 for b in sets if s <= b)
            if c >= min_count:
                found[s] = c
                any_frequent = True
        if not any_frequent:
            break
    return found


def brute_force_rules(itemsets, n_baskets, min_confidence):
    """{(antecedent, consequent): (count, support, confidence, lift, leverage, conviction)}."""
    rules = {}
    for s, c in itemsets.items():
        if len(s) < 2:
            continue
        for r in range(1, len(s)):
            for a in combinations(sorted(s, key=repr), r):
                a = frozenset(a)
                b = s - a
                conf = c / itemsets[a]
                if conf < min_confidence - 1e-12:
                    continue
                sb = itemsets[b] / n_baskets
                sup = c / n_baskets
                conviction = math.inf if conf >= 1 else (1 - sb) / (1 - conf)
                rules[(a, b)] = (c, sup, conf, conf / sb, sup - itemsets[a] / n_baskets * sb, conviction)
    return rules


def unique_per_basket(codes, starts):
    out, out_starts = [], [0]
    for t in range(len(starts) - 1):
        seg = list(dict.fromkeys(codes[starts[t]:starts[t + 1]]))  # first occurrences, in order
        out.extend(seg)
        out_starts.append(len(out))
    return out, out_starts


def frequent_pairs(baskets_ids, min_count):
    """Sorted list of ((a, b), count) for pairs of ids, a < b."""
    counts = {}
    for b in baskets_ids:
        for pair in combinations(sorted(set(b)), 2):
            counts[pair] = counts.get(pair, 0) + 1
    return sorted((p, c) for p, c in counts.items() if c >= min_count)


def apriori_gen(level_rows):
    """Candidates (k+1-tuples) from sorted k-tuples: prefix join, then all-subsets pruning."""
    rows = [tuple(r) for r in level_rows]
    present = set(rows)
    out = []
    for i, p in enumerate(rows):
        for q in rows[i + 1:]:
            if p[:-1] != q[:-1]:
                continue
            cand = p + (q[-1],)
            if all(sub in present for sub in combinations(cand, len(p))):
                out.append(cand)
    return sorted(out)


def support_counts(baskets_ids, candidates):
    sets = [set(b) for b in baskets_ids]
    return [sum(1 for b in sets if set(c) <= b) for c in candidates]
