"""scikit-learn side of bench/rumedbench/tfidf-lr.mjs: the RuMedBench tf-idf + logistic-regression baseline on
RuMedTop3 (TfidfVectorizer(analyzer='char', ngram_range=(3, 8)), LogisticRegression(penalty='l2', C=10,
multi_class='ovr', n_jobs=2)). Usage: sklearn_tfidf_lr.py DATA_DIR N_JOBS. Prints one JSON object."""
import json
import resource
import sys
import time
import warnings

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression

warnings.simplefilter("ignore")
data_dir, n_jobs = sys.argv[1], int(sys.argv[2])


def read(split):
    with open(f"{data_dir}/RuMedTop3/{split}_v1.jsonl", encoding="utf8") as f:
        rows = [json.loads(line) for line in f if line.strip()]
    return [r["symptoms"] for r in rows], [r["code"] for r in rows]


train_x, train_y = read("train")
dev_x, dev_y = read("dev")
test_x, test_y = read("test")

t0 = time.perf_counter()
vec = TfidfVectorizer(analyzer="char", ngram_range=(3, 8))
X = vec.fit_transform(train_x)
t1 = time.perf_counter()
lr = LogisticRegression(penalty="l2", C=10, multi_class="ovr", n_jobs=n_jobs)
lr.fit(X, train_y)
t2 = time.perf_counter()
out = {}
for name, xs, ys in (("dev", dev_x, dev_y), ("test", test_x, test_y)):
    proba = lr.predict_proba(vec.transform(xs))
    ranked = lr.classes_[np.argsort(proba, axis=1)[:, ::-1][:, :3]]
    out[name] = {
        "top3": ranked.tolist(),
        "accuracy": float(np.mean(ranked[:, 0] == np.asarray(ys))),
        "hit3": float(np.mean([y in r for y, r in zip(ys, ranked)])),
    }
t3 = time.perf_counter()

try:  # let loky's reusable workers exit so that RUSAGE_CHILDREN covers them
    from joblib.externals.loky import get_reusable_executor
    get_reusable_executor().shutdown(wait=True)
except Exception:  # noqa: BLE001
    pass
self_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
children_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
print(json.dumps({
    "versions": {"sklearn": __import__("sklearn").__version__, "numpy": np.__version__, "python": sys.version.split()[0]},
    "features": int(X.shape[1]),
    "nnz": int(X.nnz),
    "classes": len(lr.classes_),
    "n_iter": lr.n_iter_.ravel().tolist(),
    "seconds": {"tfidf_fit": t1 - t0, "lr_fit": t2 - t1, "fit": t2 - t0, "predict_dev_test": t3 - t2},
    "accuracy_test": out["test"]["accuracy"],
    "hit3_test": out["test"]["hit3"],
    "accuracy_dev": out["dev"]["accuracy"],
    "hit3_dev": out["dev"]["hit3"],
    "test_top3": out["test"]["top3"],
    "max_rss_mb": {"self": self_kb / 1024, "largest_child": children_kb / 1024},
}))
