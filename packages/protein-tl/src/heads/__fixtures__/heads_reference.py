"""Reference answers for the heads' parity tests (stdin: JSON; stdout: JSON).

mode "numpy": exact 1-NN by numpy brute force in float64 (argmin of squared distances: first index on ties).
mode "sklearn": KNeighborsClassifier(n_neighbors=1, algorithm="brute") predictions and neighbour indices.
"""
import json
import sys

import numpy as np

req = json.load(sys.stdin)
d = req["dim"]
train = np.asarray(req["train"], dtype=np.float32).reshape(-1, d)
queries = np.asarray(req["queries"], dtype=np.float32).reshape(-1, d)
labels = np.asarray(req["labels"], dtype=np.int64)
if req["mode"] == "numpy":
    t = train.astype(np.float64)
    q = queries.astype(np.float64)
    d2 = ((q[:, None, :] - t[None, :, :]) ** 2).sum(-1)
    idx = d2.argmin(1)
    print(json.dumps({"index": idx.tolist(), "distance": np.sqrt(d2[np.arange(len(q)), idx]).tolist()}))
else:
    from sklearn.neighbors import KNeighborsClassifier

    clf = KNeighborsClassifier(n_neighbors=1, algorithm="brute").fit(train, labels)
    dist, idx = clf.kneighbors(queries)
    print(json.dumps({"predict": clf.predict(queries).tolist(), "index": idx[:, 0].tolist(), "distance": dist[:, 0].tolist()}))
