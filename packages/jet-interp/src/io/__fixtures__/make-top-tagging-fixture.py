#!/usr/bin/env python3
"""Writes a SYNTHETIC fixture in the layout of the top-tagging reference data set (Kasieczka et al.), for tests.

The real files are pandas DataFrames stored with `DataFrame.to_hdf(path, key='table')` (pandas' fixed format):
columns E_i, PX_i, PY_i, PZ_i for constituents i = 0..199 (zero-padded, hardest first), truthE/truthPX/truthPY/truthPZ,
ttv and is_signal_new. The momenta here are random numbers shaped like jets, NOT physics events. Column dtypes are
mixed on purpose (float32 constituents, float64 truth, int64 flags) so that the reader is tested on several pandas
blocks.

Run with Debian's Python (python3-pandas, python3-tables):
    /usr/bin/python3 make-top-tagging-fixture.py
It writes top-tagging-synthetic.h5 and top-tagging-synthetic.expected.json beside this script.
"""
import json
import os

import numpy as np
import pandas as pd

MAX_CONSTITUENTS = 200
HERE = os.path.dirname(os.path.abspath(__file__))


def main() -> None:
    rng = np.random.default_rng(20240611)
    counts = [12, 37, 5, 200, 0, 61, 23, 8]
    columns = {}
    for name in ("E", "PX", "PY", "PZ"):
        for i in range(MAX_CONSTITUENTS):
            columns[f"{name}_{i}"] = np.zeros(len(counts), dtype=np.float32)
    truth = np.zeros((len(counts), 4))
    labels = np.array([i % 2 for i in range(len(counts))], dtype=np.int64)
    expected = []
    for row, n in enumerate(counts):
        # a spray of massless constituents around a random axis, hardest first
        y0, phi0 = rng.uniform(-2, 2), rng.uniform(0, 2 * np.pi)
        pt = np.sort(rng.exponential(20.0, n))[::-1] + 0.5
        y = y0 + 0.3 * rng.standard_normal(n)
        phi = phi0 + 0.3 * rng.standard_normal(n)
        px, py, pz, e = pt * np.cos(phi), pt * np.sin(phi), pt * np.sinh(y), pt * np.cosh(y)
        for i in range(n):
            columns[f"E_{i}"][row] = e[i]
            columns[f"PX_{i}"][row] = px[i]
            columns[f"PY_{i}"][row] = py[i]
            columns[f"PZ_{i}"][row] = pz[i]
        truth[row] = [500.0 + row, 1.0 * row, -2.0 * row, 3.0 * row]
        stored = np.array([[columns[f"{c}_{i}"][row] for c in ("PX", "PY", "PZ", "E")] for i in range(n)], dtype=np.float64).reshape(n, 4)
        expected.append({"constituents": n, "sum": stored.sum(axis=0).tolist() if n else [0, 0, 0, 0], "first": stored[0].tolist() if n else None, "label": int(labels[row])})
    # column order of the real files: E_0, PX_0, PY_0, PZ_0, E_1, ...
    ordered = {}
    for i in range(MAX_CONSTITUENTS):
        for name in ("E", "PX", "PY", "PZ"):
            ordered[f"{name}_{i}"] = columns[f"{name}_{i}"]
    for k, name in enumerate(("truthE", "truthPX", "truthPY", "truthPZ")):
        ordered[name] = truth[:, k]
    ordered["ttv"] = np.zeros(len(counts), dtype=np.int64)
    ordered["is_signal_new"] = labels
    frame = pd.DataFrame(ordered, index=pd.Index(np.arange(len(counts), dtype=np.int64) * 3 + 100))
    path = os.path.join(HERE, "top-tagging-synthetic.h5")
    if os.path.exists(path):
        os.remove(path)
    frame.to_hdf(path, key="table", mode="w")
    with open(os.path.join(HERE, "top-tagging-synthetic.expected.json"), "w") as f:
        json.dump({"note": "SYNTHETIC fixture written by make-top-tagging-fixture.py", "index": frame.index.tolist(), "jets": expected}, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
