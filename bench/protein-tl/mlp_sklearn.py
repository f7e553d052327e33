"""scikit-learn side of bench/protein-tl/mlp-train.mjs: MLPClassifier with the study's architecture trained by
partial_fit on 1 % chunks of the same shuffled order as the TypeScript side would use (own shuffle, same protocol),
for a fixed number of epochs. stdin: JSON {x, y, xTest, yTest (paths to .npy), hidden, epochs, chunk, batch, seed,
classes}; stdout: JSON {seconds, accuracy, epochs}.
"""
import json
import sys
import time

import numpy as np
from sklearn.neural_network import MLPClassifier

req = json.load(sys.stdin)
x = np.load(req["x"])
y = np.load(req["y"])
xt = np.load(req["xTest"])
yt = np.load(req["yTest"])
classes = np.arange(req["classes"])
clf = MLPClassifier(
    hidden_layer_sizes=tuple(req["hidden"]),
    activation="identity",
    solver="adam",
    learning_rate_init=1e-3,
    batch_size=req["batch"],
    alpha=0.0,
    shuffle=True,
    random_state=req["seed"],
)
rng = np.random.default_rng(req["seed"])
n = len(y)
chunk = req["chunk"]
t0 = time.perf_counter()
for epoch in range(req["epochs"]):
    order = rng.permutation(n)
    for lo in range(0, n, chunk):
        idx = order[lo : lo + chunk]
        clf.partial_fit(x[idx], y[idx], classes=classes)
seconds = time.perf_counter() - t0
acc = float((clf.predict(xt) == yt).mean())
print(json.dumps({"seconds": seconds, "accuracy": acc, "epochs": req["epochs"]}))
