"""numpy brute-force exact 1-NN for bench/protein-tl/knn-exact.mjs (a long-lived process driven over stdin).

Commands (one JSON per line): {"cmd": "load", "train": path, "queries": path} → loads float32 .npy files;
{"cmd": "run"} → times ‖t‖² − 2 q·tᵀ (float32 sgemm through numpy's BLAS) + argmin, the way sklearn's brute force
and most numpy code do it, and answers {"seconds", "index"}; {"cmd": "quit"}.
"""
import json
import sys
import time

import numpy as np

train = queries = None
for line in sys.stdin:
    req = json.loads(line)
    if req["cmd"] == "load":
        train = np.load(req["train"])
        queries = np.load(req["queries"])
        print(json.dumps({"ok": True, "numpy": np.__version__, "blas": np.__config__.get_info("blas_opt_info").get("libraries", ["?"]) if hasattr(np.__config__, "get_info") else "?"}), flush=True)
    elif req["cmd"] == "run":
        t0 = time.perf_counter()
        tn = np.einsum("ij,ij->i", train, train)
        d2 = tn[None, :] - 2.0 * (queries @ train.T)
        idx = d2.argmin(axis=1)
        dt = time.perf_counter() - t0
        print(json.dumps({"seconds": dt, "index": idx.tolist()}), flush=True)
    else:
        break
