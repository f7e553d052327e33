"""scikit-learn reference for the linear-model parity tests (tfidf-vectorizer / logistic-regression).

stdin: {"tasks": [...]}; each task is one of
  {"kind": "tfidf", "options": {...TfidfVectorizer kwargs...}, "fit": [texts], "transform": [texts]}
  {"kind": "lr", "vectorizer": {...kwargs...}, "C": float, "max_iter": int, "fit": [texts], "y": [labels],
   "transform": [texts]}
stdout: one result per task (CSR arrays with sorted indices; features; idf; LR predictions and probabilities).
"""
import json
import sys

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression


def vec(opts):
    kw = dict(opts)
    if "ngram_range" in kw:
        kw["ngram_range"] = tuple(kw["ngram_range"])
    return TfidfVectorizer(**kw)


def csr(m):
    m = m.tocsr()
    m.sort_indices()
    return {"data": m.data.tolist(), "indices": m.indices.tolist(), "indptr": m.indptr.tolist(), "shape": list(m.shape)}


out = []
for task in json.load(sys.stdin)["tasks"]:
    v = vec(task.get("options") or task.get("vectorizer") or {})
    X = v.fit_transform(task["fit"])
    if task["kind"] == "tfidf":
        out.append({
            "features": v.get_feature_names_out().tolist(),
            "idf": v.idf_.tolist(),
            "fit": csr(X),
            "transform": csr(v.transform(task["transform"])),
        })
    else:
        import warnings
        warnings.simplefilter("ignore")
        lr = LogisticRegression(penalty="l2", C=task["C"], multi_class="ovr", max_iter=task.get("max_iter", 100))
        lr.fit(X, task["y"])
        T = v.transform(task["transform"])
        out.append({
            "classes": lr.classes_.tolist(),
            "predict": lr.predict(T).tolist(),
            "proba": lr.predict_proba(T).tolist(),
            "n_iter": lr.n_iter_.tolist(),
        })
print(json.dumps(out))
