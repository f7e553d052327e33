"""Adds the whole-tree graph (`tree/`) to a RecNN model directory: embed, the recursion over every tree level and the
head in ONE onnxruntime call per batch of jets. It is composed (onnx.helper) from the directory's own three graphs —
embed, cell and head — so the weights and the operations are the same; recnn.json gains `graphs.tree`. Nothing else
in the directory changes.

Why: onnxruntime-node copies every output of a call into a fresh JavaScript ArrayBuffer (even a pre-allocated one), so
a batch run as embed + one cell call per level + head copies every node's embedding out of onnxruntime at least once,
and on a virtual machine the page faults of those fresh buffers cost more than the matrix products. Inside one graph
the levels stay in onnxruntime's memory and only the jets' outputs come back.

The graph (opset 17). Rows are the batch's nodes in level order (LevelBatch in recnn_model.py): level 0 (the roots)
first, within a level the internal nodes first.

    inputs   x [nodes, 7]               scaled node features, level order
             plan [levels-1, 5]         int32, one row per internal level, deepest first: (a, a + m, b, c, c + 2m) with
                                        a, b the level's first row and the next level's, m its internal nodes (first in
                                        the level), c the offset of its children in `children`
             deepest [2]                int32, first and end row of the deepest level (all leaves)
             children [2 · internal]    int32, per level (plan order) the left children's then the right children's
                                        positions within the next level
             roots [jets]               int32, each jet's root's position within level 0
    outputs  probability [jets], logit [jets], h_jet [jets, H]

    U = embed(x)
    prev = U[deepest[0]:deepest[1]]
    Loop over plan rows (a, am, b, c0, c1):                   (body: the cell graph's nodes)
        hl, hr = split(prev[children[c0:c1]])
        h_int = cell(hl, hr, U[a:am])
        prev = concat(h_int, U[am:b])                         (the leaves keep u)
    h_jet = prev[roots];  probability, logit = head(h_jet)

The per-level bounds come precomputed from the caller, so that the loop body has few nodes (onnxruntime's cost per
iteration grows with them, and a single jet is about ten iterations).

Golden files: the trees of golden-jets.npz (the end-to-end golden jets) in level order, and what PyTorch's
RecNN.embed_batch + head return for them (the directory's weights.npz).

Usage: /usr/bin/python3 training/jets/add_tree_graph.py MODEL_DIR [MODEL_DIR ...]
"""
from __future__ import annotations

import json
import os
import sys
from types import SimpleNamespace

import numpy as np
import onnx
import torch
from onnx import TensorProto, helper, numpy_helper

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, ".."))
from common.export import write_manifest  # noqa: E402
from recnn_model import LevelBatch, graph_provenance, load_model_dir, save_recnn_json  # noqa: E402

OPSET = 17


def _renamed(graph: onnx.GraphProto, prefix: str, inputs: dict[str, str], outputs: dict[str, str]):
    """The graph's nodes and initializers with every name prefixed, except its inputs (renamed by `inputs`) and its
    outputs (renamed by `outputs`)."""
    names = {**inputs, **outputs}

    def name(n: str) -> str:
        if n == "":
            return n
        return names.get(n, prefix + n)

    nodes = []
    for node in graph.node:
        if any(a.type in (onnx.AttributeProto.GRAPH, onnx.AttributeProto.GRAPHS) for a in node.attribute):
            raise SystemExit(f"{prefix}: node {node.name} has a subgraph; only flat graphs can be composed")
        copy = onnx.NodeProto()
        copy.CopyFrom(node)
        del copy.input[:]
        del copy.output[:]
        copy.input.extend(name(n) for n in node.input)
        copy.output.extend(name(n) for n in node.output)
        copy.name = prefix + (node.name or node.output[0])
        nodes.append(copy)
    inits = []
    for init in graph.initializer:
        copy = onnx.TensorProto()
        copy.CopyFrom(init)
        copy.name = name(init.name)
        inits.append(copy)
    return nodes, inits


def _const(name: str, values, dtype=np.int64) -> onnx.NodeProto:
    arr = np.asarray(values, dtype=dtype)
    return helper.make_node("Constant", [], [name], name=name, value=numpy_helper.from_array(arr, name))


def compose(embed: onnx.ModelProto, cell: onnx.ModelProto, head: onnx.ModelProto, hidden: int, n_features: int) -> onnx.ModelProto:
    e_nodes, e_inits = _renamed(embed.graph, "embed/", {"x": "x"}, {"u": "U"})
    c_nodes, c_inits = _renamed(cell.graph, "cell/", {"h_left": "hl", "h_right": "hr", "u": "u_int"}, {"h": "h_int"})
    h_nodes, h_inits = _renamed(head.graph, "head/", {"h_jet": "h_jet"}, {"probability": "probability", "logit": "logit"})

    # the loop body: iteration i handles one level, deepest internal level first: plan[i] = (a, a + m, b, c, c + 2m)
    body_nodes = [
        helper.make_node("Gather", ["plan", "i"], ["row"], name="level/plan", axis=0),
        helper.make_node("Split", ["row"], ["a", "am", "b", "c0", "c1"], name="level/bounds", axis=0),
        helper.make_node("Slice", ["children", "c0", "c1", "axis0_32"], ["kids"], name="level/kids"),
        helper.make_node("Gather", ["prev_in", "kids"], ["h_kids"], name="level/gather", axis=0),
        helper.make_node("Split", ["h_kids"], ["hl", "hr"], name="level/hl_hr", axis=0),
        helper.make_node("Slice", ["U", "a", "am", "axis0_32"], ["u_int"], name="level/u_int"),
        helper.make_node("Slice", ["U", "am", "b", "axis0_32"], ["u_leaf"], name="level/u_leaf"),
        *c_nodes,
        helper.make_node("Concat", ["h_int", "u_leaf"], ["prev_out"], name="level/h", axis=0),
        helper.make_node("Identity", ["cond_in"], ["cond_out"], name="level/cond"),
    ]
    body = helper.make_graph(
        body_nodes,
        "level",
        [
            helper.make_tensor_value_info("i", TensorProto.INT64, []),
            helper.make_tensor_value_info("cond_in", TensorProto.BOOL, []),
            helper.make_tensor_value_info("prev_in", TensorProto.FLOAT, [None, hidden]),
        ],
        [
            helper.make_tensor_value_info("cond_out", TensorProto.BOOL, []),
            helper.make_tensor_value_info("prev_out", TensorProto.FLOAT, [None, hidden]),
        ],
    )
    nodes = [
        _const("axis0_64", [0]),
        _const("axis0_32", [0], np.int32),
        _const("true", True, np.bool_),
        *e_nodes,
        helper.make_node("Shape", ["plan"], ["plan_shape"], name="levels"),
        helper.make_node("Gather", ["plan_shape", "axis0_64"], ["trips_1d"], name="levels/rows", axis=0),
        helper.make_node("Squeeze", ["trips_1d", "axis0_64"], ["trips"], name="levels/trips"),
        helper.make_node("Split", ["deepest"], ["deep_a", "deep_b"], name="deepest/bounds", axis=0),
        helper.make_node("Slice", ["U", "deep_a", "deep_b", "axis0_32"], ["prev0"], name="deepest/u"),
        helper.make_node("Loop", ["trips", "true", "prev0"], ["h_top"], name="levels/loop", body=body),
        helper.make_node("Gather", ["h_top", "roots"], ["h_jet"], name="roots", axis=0),
        *h_nodes,
    ]
    graph = helper.make_graph(
        nodes,
        "recnn_tree",
        [
            helper.make_tensor_value_info("x", TensorProto.FLOAT, ["nodes", n_features]),
            helper.make_tensor_value_info("plan", TensorProto.INT32, ["inner_levels", 5]),
            helper.make_tensor_value_info("deepest", TensorProto.INT32, [2]),
            helper.make_tensor_value_info("children", TensorProto.INT32, ["children"]),
            helper.make_tensor_value_info("roots", TensorProto.INT32, ["jets"]),
        ],
        [
            helper.make_tensor_value_info("probability", TensorProto.FLOAT, ["jets"]),
            helper.make_tensor_value_info("logit", TensorProto.FLOAT, ["jets"]),
            helper.make_tensor_value_info("h_jet", TensorProto.FLOAT, ["jets", hidden]),
        ],
        initializer=[*e_inits, *c_inits, *h_inits],
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET)], producer_name="training/jets/add_tree_graph.py")
    model.ir_version = min(model.ir_version, 8)
    onnx.checker.check_model(model, full_check=True)
    return model


def golden_batch(golden: np.lib.npyio.NpzFile):
    """The golden jets' trees as TreeArrays-like arrays (node indices made local to the golden file: each jet's nodes
    are in post-order, root last, so its first node is its smallest child index) and their LevelBatch."""
    sizes = 2 * np.diff(golden["jet_constituent_offset"].astype(np.int64)) - 1
    offset = np.r_[0, np.cumsum(sizes)]
    left = golden["node_left"].astype(np.int64).copy()
    right = golden["node_right"].astype(np.int64).copy()
    depth = np.zeros(len(left), dtype=np.int64)
    for j in range(len(sizes)):
        a, b = offset[j], offset[j + 1]
        inner = left[a:b] >= 0
        if inner.any():
            first = min(left[a:b][inner].min(), right[a:b][inner].min())
            left[a:b][inner] += a - first
            right[a:b][inner] += a - first
        for k in range(b - 1, a - 1, -1):  # root last: parents before children going backwards
            if left[k] >= 0:
                depth[left[k]] = depth[right[k]] = depth[k] + 1
    data = SimpleNamespace(x=np.ascontiguousarray(golden["node_x"], dtype=np.float32), left=left, right=right, depth=depth, offset=offset)
    return LevelBatch(data, np.arange(len(sizes)))


def tree_inputs(b: LevelBatch) -> dict[str, np.ndarray]:
    """The tree graph's inputs for a LevelBatch (see the module docstring)."""
    levels = b.depth_max + 1
    plan = np.zeros((levels - 1, 5), dtype=np.int32)
    children = []
    c = 0
    for i, d in enumerate(range(levels - 2, -1, -1)):
        a, m, e = int(b.start[d]), int(b.n_internal[d]), int(b.start[d + 1])
        plan[i] = (a, a + m, e, c, c + 2 * m)
        children += [b.left[d].numpy(), b.right[d].numpy()]
        c += 2 * m
    return {
        "x": b.x.numpy(),
        "plan": plan,
        "deepest": np.array([b.start[levels - 1], b.start[levels]], dtype=np.int32),
        "children": (np.concatenate(children) if children else np.zeros(0)).astype(np.int32),
        "roots": b.roots.numpy().astype(np.int32),
    }


def add(model_dir: str) -> None:
    config, net = load_model_dir(model_dir)
    H = config["embeddingSize"]
    F = len(config["features"])
    graph_dir = lambda key: os.path.dirname(os.path.join(model_dir, config["graphs"][key]))  # noqa: E731
    manifests = {}
    onnx_models = {}
    for key in ("embed", "cell", "head"):
        with open(os.path.join(model_dir, config["graphs"][key]), encoding="utf-8") as f:
            manifests[key] = json.load(f)
        onnx_models[key] = onnx.load(os.path.join(graph_dir(key), manifests[key]["file"]))
    model = compose(onnx_models["embed"], onnx_models["cell"], onnx_models["head"], H, F)
    out_dir = os.path.join(model_dir, "tree")
    os.makedirs(out_dir, exist_ok=True)
    onnx.save(model, os.path.join(out_dir, "model.onnx"))

    # golden: PyTorch eager on the golden jets' trees, the directory's weights
    golden_file = os.path.join(model_dir, config["golden"]["file"])
    batch = golden_batch(np.load(golden_file))
    with torch.no_grad():
        h_jet, _ = net.embed_batch(batch)
        prob, logit = net.head(h_jet)
    g = np.load(golden_file)
    if not np.allclose(prob.numpy(), g["probability"], atol=1e-6):
        raise SystemExit(f"{golden_file}: PyTorch on the rebuilt trees does not give the file's probabilities")
    inputs = tree_inputs(batch)
    outputs = {"probability": prob.numpy(), "logit": logit.numpy(), "h_jet": h_jet.numpy()}
    np.savez(os.path.join(out_dir, "golden-inputs.npz"), **inputs)
    np.savez(os.path.join(out_dir, "golden-outputs.npz"), **outputs)

    cell = manifests["cell"]
    training_data, extra = graph_provenance(cell)
    name = cell["name"].removesuffix("-cell") + "-tree"
    write_manifest(
        out_dir,
        name=name,
        version=cell["version"],
        inputs=[
            {"name": "x", "dtype": "float32", "shape": ["nodes", F]},
            {"name": "plan", "dtype": "int32", "shape": ["inner_levels", 5]},
            {"name": "deepest", "dtype": "int32", "shape": [2]},
            {"name": "children", "dtype": "int32", "shape": ["children"]},
            {"name": "roots", "dtype": "int32", "shape": ["jets"]},
        ],
        outputs=[
            {"name": "probability", "dtype": "float32", "shape": ["jets"]},
            {"name": "logit", "dtype": "float32", "shape": ["jets"]},
            {"name": "h_jet", "dtype": "float32", "shape": ["jets", H]},
        ],
        training_data=training_data,
        metrics=cell.get("metrics", {}),
        opset=OPSET,
        description=(
            f"RecNN ({config['variant']}) on whole trees in one call: embed, a Loop over the tree levels from the deepest "
            "(the cell's nodes as its body, children gathered from the previous level) and the head. Rows in level order "
            "(level 0 = roots first, internal nodes first within a level). Composed from the directory's embed, cell and "
            "head graphs: the same weights and operations."
        ),
        script="training/jets/add_tree_graph.py (weights from training/jets/train_recnn.py)",
        extra_provenance=extra,
        atol=1e-5,
        rtol=1e-5,
    )
    config["graphs"]["tree"] = "tree/model.json"
    save_recnn_json(model_dir, config)
    print(f"{model_dir}: tree/ written ({batch.n} golden nodes, {batch.depth_max + 1} levels), recnn.json updated")


if __name__ == "__main__":
    if len(sys.argv) < 2:
        raise SystemExit(__doc__)
    torch.set_num_threads(1)
    for d in sys.argv[1:]:
        add(d)
