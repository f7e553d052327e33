"""Writes the ONNX graph behind @lab/protein-tl's exact 1-NN search (`NearestNeighbor`, kernel "onnx"): the k smallest
scores ‖t‖² − 2 q·t of every query against a block of training rows, computed inside onnxruntime (MLAS sgemm on the
intra-op threads) so that only k values and indices per query come back to JavaScript. TypeScript keeps every row whose
score is within the float32 rounding tolerance of the best and re-checks those candidates exactly in float64.

    inputs   queries [m, d] float32, train [n, d] float32, train_norms [n] float32 (‖t‖²), k [1] int64 (k ≤ n)
    outputs  values [m, k] float32 (ascending), indices [m, k] int64 (rows of `train`; ties: lower index first)

    scores = Gemm(queries, train, C = train_norms, alpha = −2, transB = 1)      [m, n]
    values, indices = TopK(scores, k, axis = 1, largest = 0, sorted = 1)

Not a trained network: no weights. Golden files: SYNTHETIC Gaussian rows (numpy seed 7), expected outputs from numpy
(float64 scores of the same float32 inputs, stable argsort).

Usage: /usr/bin/python3 training/protein/export_nearest_graph.py [OUT_DIR]
       (default packages/protein-tl/models/kernels/nearest-topk)
"""
from __future__ import annotations

import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, ".."))
from common.export import write_manifest  # noqa: E402

OPSET = 17
VERSION = "1.0.0"


def build() -> onnx.ModelProto:
    nodes = [
        helper.make_node("Gemm", ["queries", "train", "train_norms"], ["scores"], name="scores", alpha=-2.0, beta=1.0, transB=1),
        helper.make_node("TopK", ["scores", "k"], ["values", "indices"], name="topk", axis=1, largest=0, sorted=1),
    ]
    graph = helper.make_graph(
        nodes,
        "nearest_topk",
        [
            helper.make_tensor_value_info("queries", TensorProto.FLOAT, ["m", "d"]),
            helper.make_tensor_value_info("train", TensorProto.FLOAT, ["n", "d"]),
            helper.make_tensor_value_info("train_norms", TensorProto.FLOAT, ["n"]),
            helper.make_tensor_value_info("k", TensorProto.INT64, [1]),
        ],
        [
            helper.make_tensor_value_info("values", TensorProto.FLOAT, ["m", "k"]),
            helper.make_tensor_value_info("indices", TensorProto.INT64, ["m", "k"]),
        ],
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET)], producer_name="training/protein/export_nearest_graph.py")
    model.ir_version = min(model.ir_version, 8)
    onnx.checker.check_model(model, full_check=True)
    return model


def main() -> None:
    out_dir = sys.argv[1] if len(sys.argv) > 1 else os.path.join(HERE, "..", "..", "packages", "protein-tl", "models", "kernels", "nearest-topk")
    os.makedirs(out_dir, exist_ok=True)
    onnx.save(build(), os.path.join(out_dir, "model.onnx"))
    rng = np.random.default_rng(7)
    m, n, d, k = 9, 40, 24, 5
    queries = rng.standard_normal((m, d)).astype(np.float32)
    train = rng.standard_normal((n, d)).astype(np.float32)
    norms = (train.astype(np.float64) ** 2).sum(axis=1).astype(np.float32)
    scores = norms.astype(np.float64)[None, :] - 2.0 * (queries.astype(np.float64) @ train.astype(np.float64).T)
    order = np.argsort(scores, axis=1, kind="stable")[:, :k]
    np.savez(os.path.join(out_dir, "golden-inputs.npz"), queries=queries, train=train, train_norms=norms, k=np.array([k], dtype=np.int64))
    np.savez(
        os.path.join(out_dir, "golden-outputs.npz"),
        values=np.take_along_axis(scores, order, axis=1).astype(np.float32),
        indices=order.astype(np.int64),
    )
    write_manifest(
        out_dir,
        name="nearest-topk",
        version=VERSION,
        inputs=[
            {"name": "queries", "dtype": "float32", "shape": ["m", "d"]},
            {"name": "train", "dtype": "float32", "shape": ["n", "d"]},
            {"name": "train_norms", "dtype": "float32", "shape": ["n"]},
            {"name": "k", "dtype": "int64", "shape": [1]},
        ],
        outputs=[
            {"name": "values", "dtype": "float32", "shape": ["m", "k"]},
            {"name": "indices", "dtype": "int64", "shape": ["m", "k"]},
        ],
        training_data="none (a compute graph without weights); golden inputs are SYNTHETIC Gaussian rows (numpy seed 7)",
        opset=OPSET,
        description="Exact 1-NN search kernel: the k smallest scores ||t||^2 - 2 q.t per query over a block of training rows (Gemm + TopK); candidates are re-checked exactly in TypeScript.",
        script="training/protein/export_nearest_graph.py",
        atol=1e-4,
        rtol=1e-5,
    )
    print(f"wrote {out_dir}")


if __name__ == "__main__":
    main()
