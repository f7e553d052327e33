"""Reference for lbfgs.test.ts: L2-regularised logistic regression minimised with scipy's L-BFGS-B.

Reads {"X": [[...]], "y": [+-1...], "lam": float} on stdin; prints {"x": [...], "f": float, "nit": int}.
The parameter vector is [w..., b]; the bias is not penalised.
"""
import json
import sys

import numpy as np
from scipy import optimize

data = json.load(sys.stdin)
X = np.asarray(data["X"], dtype=float)
y = np.asarray(data["y"], dtype=float)
lam = float(data["lam"])


def fg(p):
    w, b = p[:-1], p[-1]
    z = y * (X @ w + b)
    f = np.logaddexp(0.0, -z).sum() + 0.5 * lam * w @ w
    r = -y * np.exp(-np.logaddexp(0.0, z))  # -y * sigmoid(-z)
    g = np.empty_like(p)
    g[:-1] = X.T @ r + lam * w
    g[-1] = r.sum()
    return f, g


res = optimize.minimize(fg, np.zeros(X.shape[1] + 1), jac=True, method="L-BFGS-B",
                        options={"gtol": 1e-10, "ftol": 1e-15, "maxiter": 1000})
print(json.dumps({"x": res.x.tolist(), "f": float(res.fun), "nit": int(res.nit)}))
