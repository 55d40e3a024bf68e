"""The drift tests of bench/monitor.ts in numpy/scipy, timed on the same columns.

Usage: /usr/bin/python3 bench/monitor_scipy.py <dir>

<dir>/columns.json lists the columns bench/monitor.ts exported with DuckDB
(raw little-endian float64 for numbers, NaN for nulls; int32 category codes,
-1 for nulls, over one shared dictionary). Loading them is not timed. Each
method set runs over every column; the median of REPEATS runs is printed as
JSON with the statistics, so the TypeScript side can check agreement.
"""

import json
import sys
import time

import numpy as np
from scipy import stats
from scipy.spatial import distance

REPEATS = 3
EPSILON = 1e-4  # modelgate's empty-bin rule (packages/monitor/DRIFT.md)
MIN_NORMALISING_STD = 0.001


def load(directory, spec, side):
    dtype = "<f8" if spec["kind"] == "numeric" else "<i4"
    return np.fromfile(f"{directory}/{spec[side]}", dtype=dtype)


def shares(reference, current):
    keep = (reference > 0) | (current > 0)
    ref, cur = reference[keep].astype(float), current[keep].astype(float)
    p, q = ref / ref.sum(), cur / cur.sum()
    smoothed = bool((ref == 0).any() or (cur == 0).any())
    if smoothed:
        k = len(ref)
        p, q = (p + EPSILON) / (1 + k * EPSILON), (q + EPSILON) / (1 + k * EPSILON)
    return p, q, cur, smoothed


def category_bins(reference, current, categories):
    ref = np.bincount(reference[reference >= 0], minlength=categories)
    cur = np.bincount(current[current >= 0], minlength=categories)
    seen = ref > 0
    # Categories the reference never saw share one '(other)' bin, as modelgate's do.
    return np.append(ref[seen], 0), np.append(cur[seen], cur[~seen].sum())


def test(method, spec, reference, current):
    if spec["kind"] == "numeric":
        ref, cur = reference[np.isfinite(reference)], current[np.isfinite(current)]
        if method == "ks":
            result = stats.ks_2samp(ref, cur)
            return float(result.statistic), float(result.pvalue)
        distance_ = stats.wasserstein_distance(ref, cur)
        return float(distance_ / max(float(np.std(ref)), MIN_NORMALISING_STD)), None
    ref, cur = category_bins(reference, current, len(spec["dictionary"]))
    p, q, counts, smoothed = shares(ref, cur)
    if method == "chisquare":
        n = counts.sum()
        result = stats.chisquare(q * n if smoothed else counts, p * n)
        return float(result.statistic), float(result.pvalue)
    return float(distance.jensenshannon(p, q)), None


def run(methods, columns, data):
    out = {}
    for spec in columns:
        method = methods[spec["kind"]]
        statistic, p_value = test(method, spec, *data[spec["name"]])
        out[spec["name"]] = {"method": method, "statistic": statistic, "pValue": p_value}
    return out


def main():
    directory = sys.argv[1]
    with open(f"{directory}/columns.json") as f:
        columns = json.load(f)
    data = {c["name"]: (load(directory, c, "reference"), load(directory, c, "current")) for c in columns}
    sets = {
        "defaults": {"numeric": "wasserstein", "categorical": "jensenshannon"},
        "tests": {"numeric": "ks", "categorical": "chisquare"},
    }
    report = {}
    for name, methods in sets.items():
        times, results = [], None
        for _ in range(REPEATS):
            start = time.perf_counter()
            results = run(methods, columns, data)
            times.append(time.perf_counter() - start)
        report[name] = {"seconds": sorted(times)[len(times) // 2], "columns": results}
    json.dump(report, sys.stdout)


if __name__ == "__main__":
    main()
