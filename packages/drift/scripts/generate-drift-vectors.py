"""Writes test/fixtures/drift-vectors.json: the reference values of the drift statistics, computed with scipy,
for the unit tests that compare DriftMonitor's scores with them (statistics-vectors.test.ts, build-profile.test.ts).

Each case's samples are the fixture's inputs: numeric samples drawn once at random and rounded to 6 decimals,
categorical counts, and the bin edges (the reference deciles, numpy's linear method, of the samples before they
were rounded, so within 1e-6 of the deciles of the rounded ones; the script checks that). They are kept as they are
in the file; everything else is computed from them here: the bin counts and every expected score.
A new case is added to the file with its samples (and any expected values), then the script is run.

It reproduces the committed file: counts, the KS, PSI, Jensen-Shannon and chi-square values exactly;
the two Wasserstein values of two cases differ in their last bit (1 ulp, a relative 2e-16: scipy's sum
order), so --check compares numbers with a relative tolerance of 1e-14 and says how many match exactly.

Run: python3 scripts/generate-drift-vectors.py           (rewrites the file)
     python3 scripts/generate-drift-vectors.py --check   (exits 1 when the file differs from what it computes)
Needs numpy and scipy (the file says which scipy computed it)."""
import json
import os
import sys

import numpy as np
import scipy
from scipy import stats
from scipy.spatial import distance

PATH = os.path.join(os.path.dirname(__file__), "..", "test", "fixtures", "drift-vectors.json")
SMOOTHING = 1e-4
MIN_STD = 0.001

DEFINITIONS = {
    "bins": "bin index of v = number of edges <= v (numpy searchsorted side=right); len(edges)+1 bins",
    "psi": "sum((c-r)*ln(c/r)) over bins with proportions r (reference) and c (current); a zero proportion is replaced by 1e-4 on its side",
    "ks": "scipy.stats.ks_2samp(reference, current, method='asymp')",
    "wasserstein": "scipy.stats.wasserstein_distance(reference, current); wasserstein_normed divides by max(np.std(reference), 0.001)",
    "jensen_shannon": "scipy.spatial.distance.jensenshannon(r, c) with natural log, on unsmoothed proportions",
    "chi2": "scipy.stats.chisquare(current_counts, expected) where expected = reference proportions (zero replaced by 1e-4, renormalised) * number of current values",
}


def psi(reference_counts, current_counts):
    r = np.asarray(reference_counts, dtype=float) / np.sum(reference_counts)
    c = np.asarray(current_counts, dtype=float) / np.sum(current_counts)
    r = np.where(r == 0, SMOOTHING, r)
    c = np.where(c == 0, SMOOTHING, c)
    return float(np.sum((c - r) * np.log(c / r)))


def jensen_shannon(reference_counts, current_counts):
    r = np.asarray(reference_counts, dtype=float) / np.sum(reference_counts)
    c = np.asarray(current_counts, dtype=float) / np.sum(current_counts)
    return float(distance.jensenshannon(r, c))


def numeric_case(case):
    reference = np.asarray(case["reference"], dtype=float)
    current = np.asarray(case["current"], dtype=float)
    edges = case["edges"]
    deciles = np.quantile(reference, np.arange(1, 10) / 10)
    if len(edges) != len(deciles) or np.max(np.abs(np.asarray(edges) - deciles)) > 1e-6:
        sys.exit(f"{case['name']}: the edges are not the deciles of the reference sample")
    bins = len(edges) + 1
    reference_counts = np.bincount(np.searchsorted(edges, reference, side="right"), minlength=bins)
    current_counts = np.bincount(np.searchsorted(edges, current, side="right"), minlength=bins)
    ks = stats.ks_2samp(reference, current, method="asymp")
    w = float(stats.wasserstein_distance(reference, current))
    return {
        "name": case["name"],
        "kind": "numeric",
        "reference": case["reference"],
        "current": case["current"],
        "edges": edges,
        "reference_counts": [int(n) for n in reference_counts],
        "current_counts": [int(n) for n in current_counts],
        "expected": {
            "ks_statistic": float(ks.statistic),
            "ks_p_value": float(ks.pvalue),
            "wasserstein": w,
            "wasserstein_normed": w / max(float(np.std(reference)), MIN_STD),
            "psi": psi(reference_counts, current_counts),
            "jensen_shannon": jensen_shannon(reference_counts, current_counts),
        },
    }


def categorical_case(case):
    reference_counts = np.asarray(case["reference_counts"], dtype=float)
    current_counts = np.asarray(case["current_counts"], dtype=float)
    proportions = reference_counts / reference_counts.sum()
    proportions = np.where(proportions == 0, SMOOTHING, proportions)
    proportions = proportions / proportions.sum()
    chi2 = stats.chisquare(current_counts, proportions * current_counts.sum())
    return {
        "name": case["name"],
        "kind": "categorical",
        "categories": case["categories"],
        "reference_counts": case["reference_counts"],
        "current_counts": case["current_counts"],
        "expected": {
            "psi": psi(reference_counts, current_counts),
            "jensen_shannon": jensen_shannon(reference_counts, current_counts),
            "chi2_statistic": float(chi2.statistic),
            "chi2_p_value": float(chi2.pvalue),
        },
    }


def check(committed, computed):
    exact, close, bad = 0, 0, []

    def compare(path, a, b):
        nonlocal exact, close
        if isinstance(a, dict) and isinstance(b, dict) and a.keys() == b.keys():
            for key in a:
                compare(f"{path}.{key}", a[key], b[key])
        elif isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
            for i, (x, y) in enumerate(zip(a, b)):
                compare(f"{path}[{i}]", x, y)
        elif a == b:
            exact += 1
        elif isinstance(a, float) and isinstance(b, float) and abs(a - b) <= 1e-14 * max(abs(a), abs(b)):
            close += 1
        else:
            bad.append(f"{path}: file {a!r}, computed {b!r}")

    compare("", committed["cases"], computed["cases"])
    if committed["definitions"] != computed["definitions"]:
        bad.append("definitions differ")
    for line in bad:
        print(line, file=sys.stderr)
    print(f"{exact} values equal, {close} within a relative 1e-14, {len(bad)} different (scipy {scipy.__version__})")
    sys.exit(1 if bad else 0)


def main():
    with open(PATH) as f:
        committed_text = f.read()
    committed = json.loads(committed_text)
    cases = [numeric_case(c) if c["kind"] == "numeric" else categorical_case(c) for c in committed["cases"]]
    out = {"generated_by": f"scipy {scipy.__version__}", "definitions": DEFINITIONS, "cases": cases}
    text = json.dumps(out)
    if "--check" in sys.argv:
        check(committed, out)
        return
    with open(PATH, "w") as f:
        f.write(text + ("\n" if committed_text.endswith("\n") else ""))
    print(len(cases), "cases written")


if __name__ == "__main__":
    main()
