"""Golden gradients for @lab/jet-interp's RecNN saliency: PyTorch autograd of the binary cross-entropy with respect to
every node embedding of the golden jets of an exported RecNN model directory.

    TORCH_THREADS=1 /usr/bin/python3 training/jets/saliency_golden.py MODEL_DIR [--out MODEL_DIR/golden-saliency.npz]

Reads MODEL_DIR/recnn.json (variant, embedding size), weights.npz (the state_dict written by train_recnn.py; its sha256
is checked against recnn.json) and golden-jets.npz (the scaled node features node_x and the trees of some test jets).
The network of recnn_model.py is run in float64 on those weights (float32 values, exactly representable), one jet at a
time, node by node with children first; torch.autograd.grad gives dL/dh_k for every node k, with
L = binary_cross_entropy_with_logits(logit, label) of the jet's true label. Written (float64, golden-jets.npz's node
order, jet after jet):

    node_grad [nodes, H]      dL/dh_k
    node_embedding [nodes, H] h_k
    saliency [nodes]          ||dL/dh_k|| / ||dL/dh_J||
    logit, loss, logit_grad [jets]   (logit_grad = dL/dlogit)
    node_offset [jets + 1]    first node of each jet

The TypeScript test src/saliency/recnn-gradients.test.ts reproduces these from the committed file (no Python needed).
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import sys

import numpy as np
import torch
from torch.nn import functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from recnn_model import RecNN  # noqa: E402


def load_model(model_dir: str) -> RecNN:
    with open(os.path.join(model_dir, "recnn.json"), encoding="utf-8") as f:
        config = json.load(f)
    entry = config.get("weights")
    if not entry:
        raise SystemExit(f"{model_dir}/recnn.json has no \"weights\" entry: re-export the model with training/jets/train_recnn.py")
    path = os.path.join(model_dir, entry["file"])
    with open(path, "rb") as f:
        sha = hashlib.sha256(f.read()).hexdigest()
    if sha != entry["sha256"]:
        raise SystemExit(f"{path}: sha256 {sha} differs from recnn.json's {entry['sha256']}")
    w = np.load(path)
    model = RecNN(config["variant"], len(config["features"]), config["embeddingSize"])
    model.load_state_dict({k: torch.from_numpy(np.asarray(w[k])) for k in w.files})
    return model.double().eval()


def jet_gradients(model: RecNN, x: np.ndarray, left: np.ndarray, right: np.ndarray, label: int):
    """One jet: local children indices (children before parents, root last)."""
    n = len(left)
    u = model.embed(torch.from_numpy(x.astype(np.float64)))
    h: list = [None] * n
    for k in range(n):
        if left[k] < 0:
            h[k] = u[k : k + 1]
        else:
            h[k] = model.cell(h[left[k]], h[right[k]], u[k : k + 1])
    logit = model.head.logit(h[n - 1])
    y = torch.tensor([float(label)], dtype=torch.float64)
    loss = F.binary_cross_entropy_with_logits(logit, y)
    grads = torch.autograd.grad(loss, h + [logit])
    g = torch.cat(grads[:n]).detach().numpy()
    emb = torch.cat(h).detach().numpy()
    return g, emb, float(logit), float(loss), float(grads[n][0])


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("model_dir")
    p.add_argument("--out", default=None, help="default: MODEL_DIR/golden-saliency.npz")
    args = p.parse_args(argv)
    torch.set_num_threads(int(os.environ.get("TORCH_THREADS", "1")))
    model = load_model(args.model_dir)
    g = np.load(os.path.join(args.model_dir, "golden-jets.npz"))
    c_off = g["jet_constituent_offset"].astype(np.int64)
    sizes = 2 * np.diff(c_off) - 1  # a tree of n leaves has 2n - 1 nodes
    offset = np.r_[0, np.cumsum(sizes)]
    if offset[-1] != len(g["node_x"]):
        raise SystemExit(f"golden-jets.npz: {len(g['node_x'])} nodes, but the constituents make {offset[-1]}")
    out = {k: [] for k in ("node_grad", "node_embedding", "saliency", "logit", "loss", "logit_grad")}
    for j in range(len(sizes)):
        a, b = offset[j], offset[j + 1]
        gl = g["node_left"][a:b].astype(np.int64)
        gr = g["node_right"][a:b].astype(np.int64)
        start = min(gl[gl >= 0].min(), gr[gr >= 0].min()) if (gl >= 0).any() else 0  # every non-root node is a child
        left = np.where(gl >= 0, gl - start, -1)
        right = np.where(gr >= 0, gr - start, -1)
        grad, emb, logit, loss, dlogit = jet_gradients(model, g["node_x"][a:b], left, right, int(g["label"][j]))
        norms = np.linalg.norm(grad, axis=1)
        out["node_grad"].append(grad)
        out["node_embedding"].append(emb)
        out["saliency"].append(norms / norms[-1])
        out["logit"].append(logit)
        out["loss"].append(loss)
        out["logit_grad"].append(dlogit)
        gap = np.abs(emb - g["node_embedding"][a:b]).max()
        print(f"jet {j}: {b - a} nodes, label {int(g['label'][j])}, logit {logit:.6f}, loss {loss:.6f}, |h - golden h| {gap:.2e}")
    result = {
        "node_grad": np.concatenate(out["node_grad"]),
        "node_embedding": np.concatenate(out["node_embedding"]),
        "saliency": np.concatenate(out["saliency"]),
        "logit": np.array(out["logit"]),
        "loss": np.array(out["loss"]),
        "logit_grad": np.array(out["logit_grad"]),
        "node_offset": offset.astype(np.int32),
    }
    path = args.out or os.path.join(args.model_dir, "golden-saliency.npz")
    np.savez_compressed(path, **result)
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
