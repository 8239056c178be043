"""Writes test/fixtures/kstwo-vectors.json: scipy.stats.kstwo.sf(d, n) and chi2.sf over every
branch of scipy's Kolmogorov-Smirnov distribution code (Durbin matrix, Pomeranz, Pelz-Good,
Smirnov, Ruben-Gambino), for the unit tests of the p-value functions.
Run: python3 scripts/generate-kstwo-vectors.py (needs numpy and scipy)."""
import json
import os

import numpy as np
import scipy
from scipy import stats

rng = np.random.default_rng(20261122)
cases = []
for n in [1, 2, 3, 5, 10, 37, 100, 140, 141, 250, 500, 1000, 3000, 20000, 150000]:
    for d in sorted(set(list(rng.uniform(0, 1, 6)) + list(rng.uniform(0, 3 / np.sqrt(n), 12)) + [0.5 / n, 0.75 / n, 1 / n, 1.5 / n, 0.5, 0.6, 1 - 1.5 / n])):
        d = float(d)
        if 0 < d < 1:
            cases.append({"n": n, "d": d, "sf": float(stats.kstwo.sf(d, n))})
chi2 = []
for df in [1, 2, 3, 4, 9, 10, 25, 100]:
    for x in [0.01, 0.5, 1, 2.5, df * 0.5, df, df * 1.7, df + 10, 3 * df + 30, 500]:
        chi2.append({"df": df, "x": x, "sf": float(stats.chi2.sf(x, df))})
out = {"generated_by": f"scipy {scipy.__version__}", "kstwo_sf": cases, "chi2_sf": chi2}
path = os.path.join(os.path.dirname(__file__), "..", "test", "fixtures", "kstwo-vectors.json")
with open(path, "w") as f:
    json.dump(out, f, indent=1)
print(len(cases), "kstwo cases,", len(chi2), "chi2 cases")
