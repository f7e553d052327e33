"""Reference values for metrics.parity.test.ts, computed by scikit-learn / numpy on the cases the test sends as JSON
on stdin. Run with Debian's /usr/bin/python3 (python3-sklearn)."""
import json
import sys
import warnings

import numpy as np
from sklearn import metrics
from sklearn.linear_model import LinearRegression

warnings.simplefilter("ignore")


def zd(v):
    return v if v == "warn" else int(v)


def run(case):
    kind = case["kind"]
    if kind == "prf":
        p, r, f, s = metrics.precision_recall_fscore_support(
            case["yTrue"], case["yPred"], average=case["average"], labels=case.get("labels"),
            zero_division=zd(case["zeroDivision"]), beta=case.get("beta", 1.0),
            **({"pos_label": case["posLabel"]} if "posLabel" in case else {}))
        conv = lambda v: v.tolist() if isinstance(v, np.ndarray) else float(v)
        return {"precision": conv(p), "recall": conv(r), "fscore": conv(f), "support": None if s is None else s.tolist()}
    if kind == "accuracy":
        return metrics.accuracy_score(case["yTrue"], case["yPred"])
    if kind == "topk":
        return metrics.top_k_accuracy_score(case["yTrue"], np.array(case["scores"]), k=case["k"], labels=case["labels"])
    if kind == "confusion":
        return metrics.confusion_matrix(case["yTrue"], case["yPred"], labels=case.get("labels")).tolist()
    if kind == "roc":
        fpr, tpr, thr = metrics.roc_curve(case["yTrue"], case["scores"], drop_intermediate=case["drop"])
        return {"fpr": fpr.tolist(), "tpr": tpr.tolist(), "thresholds": thr.tolist(),
                "auc": metrics.roc_auc_score(case["yTrue"], case["scores"])}
    if kind == "r2":
        out = metrics.r2_score(np.array(case["yTrue"]), np.array(case["yPred"]), multioutput=case["multioutput"])
        return out.tolist() if isinstance(out, np.ndarray) else float(out)
    if kind == "lstsq":
        x, _, rank, sv = np.linalg.lstsq(np.array(case["A"]), np.array(case["B"]), rcond=None)
        return {"solution": x.tolist(), "rank": int(rank), "singularValues": sv.tolist()}
    if kind == "linreg":
        m = LinearRegression().fit(np.array(case["X"]), np.array(case["Y"]))
        return {"coef": m.coef_.T.tolist(), "intercept": np.atleast_1d(m.intercept_).tolist()}
    if kind == "kabsch":
        # Direct SVD computation, independent of the TypeScript code path.
        P, Q = np.array(case["P"]), np.array(case["Q"])
        Pc, Qc = P - P.mean(0), Q - Q.mean(0)
        U, S, Vt = np.linalg.svd(Pc.T @ Qc)
        d = np.sign(np.linalg.det(Vt.T @ U.T))
        R = Vt.T @ np.diag([1.0, 1.0, d]) @ U.T
        aligned = Pc @ R.T + Q.mean(0)
        return {"rotation": R.flatten().tolist(), "rmsd": float(np.sqrt(((aligned - Q) ** 2).sum(1).mean()))}
    raise ValueError(kind)


cases = json.load(sys.stdin)
json.dump([run(c) for c in cases], sys.stdout)
