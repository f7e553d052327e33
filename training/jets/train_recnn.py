"""Trains a RecNN jet tagger (Louppe et al.; simple or gated cell, embedding 70) on arrays written by
`jet-interp train-data` and exports it as three ONNX graphs that @lab/jet-interp's `loadRecnn` runs.

    node packages/jet-interp/dist/cli.js train-data --kind w,quark --jets 20000 --seed 1 --out training/jets/data/w-quark.npz
    TORCH_THREADS=1 /usr/bin/python3 training/jets/train_recnn.py training/jets/data/w-quark.npz OUT_DIR [--variant gated]

Training: BCE on the logit, Adam (lr 1e-3), batches of 64 jets evaluated level by level (every node of one tree depth
across the batch at once), gradient-norm clipping at 5, early stopping on the validation loss (patience 4, best epoch
restored). The split and the robust scaler come from the arrays (TypeScript fitted the scaler on the training nodes).
Held-out test metrics — ROC AUC and background rejection 1/eps_B at 50 % signal efficiency — go into every manifest and
recnn.json.

Export (why three graphs): a tree's recursion has a data-dependent depth and shape. One ONNX graph needs a Loop over
levels, which torch 1.13 only exports through TorchScript, and it hides the per-level state that node embeddings and
saliency (gradients with respect to every node embedding) need. So the per-level computation is exported as three small
static graphs with dynamic row counts, and the Loop graph is composed from them afterwards (add_tree_graph.py):

    model.json / model.onnx   cell:  h_left, h_right, u [nodes, H] -> h [nodes, H]   (the recursive step)
    embed/                    embed: x [nodes, 7] -> u [nodes, H]
    head/                     head:  h_jet [jets, H] -> probability [jets], logit [jets]

and TypeScript can drive the level loop exactly like `RecNN.embed_batch` here: one embed call for all nodes of a batch
of jets, one cell call per depth (deepest first), one head call. For inference without node embeddings it prefers
`tree/`, which add_tree_graph.py composes from these three graphs after the export: embed, an ONNX Loop over the levels
whose body is the cell's nodes, and the head, in one call per batch (onnxruntime-node copies every output of a call
into a new JavaScript buffer, so keeping the levels inside onnxruntime is what makes batches fast). Each graph has its own golden files; `golden-jets.npz`
holds the constituents of some test jets with PyTorch's probabilities, jet embeddings h_J and node embeddings, which
the TypeScript golden test reproduces end to end (trees, features, scaler, level loop) within recnn.json's tolerances.
Also written: recnn.json (variant, embedding size, algorithm, features, metrics), scaler.json, and weights.npz (the
parameters under their PyTorch names, float32, sha256 in recnn.json) for TypeScript's exact gradients (saliency).

Environment: TORCH_THREADS (default 1).
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import sys
import time

import numpy as np
import torch
from torch.nn import functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, ".."))
sys.path.insert(0, HERE)
from common.export import export_model  # noqa: E402
from recnn_model import GatherCell, LevelBatch, RecNN, TreeArrays  # noqa: E402

FEATURES = ["p", "eta", "phi", "E", "E/E_J", "pt", "theta"]
GOLDEN_ATOL = 1e-4
GOLDEN_RTOL = 1e-5
GOLDEN_ROWS = 128


def roc_metrics(labels: np.ndarray, scores: np.ndarray) -> dict:
    """ROC AUC (trapezoid over distinct thresholds, = sklearn's roc_auc_score) and 1/eps_B at eps_S = 0.5 (linear
    interpolation on the ROC curve, as tensor-core's rejectionAtEfficiency)."""
    labels = np.asarray(labels).astype(np.int64)
    scores = np.asarray(scores, dtype=np.float64)
    order = np.argsort(-scores, kind="mergesort")
    s = scores[order]
    y = labels[order]
    last = np.r_[np.nonzero(np.diff(s))[0], len(s) - 1]
    tps = np.cumsum(y)[last]
    fps = (last + 1) - tps
    P, N = tps[-1], fps[-1]
    if P == 0 or N == 0:
        return {"auc": float("nan"), "rejection50": float("nan")}
    tpr = np.r_[0.0, tps / P]
    fpr = np.r_[0.0, fps / N]
    auc = float(np.trapz(tpr, fpr))
    i = int(np.argmax(tpr >= 0.5))
    t0, t1 = tpr[i - 1], tpr[i]
    f = fpr[i] if t1 == t0 else fpr[i - 1] + (0.5 - t0) / (t1 - t0) * (fpr[i] - fpr[i - 1])
    return {"auc": auc, "rejection50": float(1.0 / f) if f > 0 else float("inf")}


def run_jets(model: RecNN, data: TreeArrays, jets: np.ndarray, batch: int = 512):
    """Logits and h_J of jets (eval mode, no grad), in the given order."""
    model.eval()
    logits, embs = [], []
    with torch.no_grad():
        for s in range(0, len(jets), batch):
            b = LevelBatch(data, jets[s : s + batch])
            h, _ = model.embed_batch(b)
            logits.append(model.head.logit(h))
            embs.append(h)
    return torch.cat(logits).numpy(), torch.cat(embs).numpy()


def evaluate(model, data, jets):
    logits, _ = run_jets(model, data, jets)
    y = data.label[jets]
    loss = float(F.binary_cross_entropy_with_logits(torch.from_numpy(logits), torch.from_numpy(y.astype(np.float32))))
    m = roc_metrics(y, logits)
    m["loss"] = loss
    m["accuracy"] = float(((logits > 0).astype(np.int64) == y).mean())
    return m


def train(model, data, args, log):
    rng = np.random.default_rng(args.seed)
    train_ids = np.nonzero(data.split == 0)[0]
    val_ids = np.nonzero(data.split == 1)[0]
    opt = torch.optim.Adam(model.parameters(), lr=args.lr)
    best = {"loss": float("inf")}
    best_state = None
    best_epoch = 0
    bad = 0
    t_start = time.time()
    history = []
    for epoch in range(1, args.epochs + 1):
        model.train()
        t0 = time.time()
        perm = rng.permutation(train_ids)
        total, seen = 0.0, 0
        for s in range(0, len(perm), args.batch):
            ids = perm[s : s + args.batch]
            b = LevelBatch(data, ids)
            y = torch.from_numpy(data.label[ids].astype(np.float32))
            loss = F.binary_cross_entropy_with_logits(model(b), y)
            opt.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), args.clip)
            opt.step()
            total += float(loss) * len(ids)
            seen += len(ids)
            if args.minutes and time.time() - t_start > 60 * args.minutes:
                break
        val = evaluate(model, data, val_ids)
        history.append({"epoch": epoch, "trainLoss": round(total / seen, 5), "validationLoss": round(val["loss"], 5), "validationAuc": round(val["auc"], 5)})
        log(f"epoch {epoch}: train loss {total / seen:.4f}, validation loss {val['loss']:.4f}, AUC {val['auc']:.4f}, R50 {val['rejection50']:.1f} ({time.time() - t0:.1f} s)")
        if val["loss"] < best["loss"]:
            best, best_epoch, bad = val, epoch, 0
            best_state = {k: v.detach().clone() for k, v in model.state_dict().items()}
        else:
            bad += 1
            if bad >= args.patience:
                log(f"early stop: no better validation loss for {args.patience} epochs")
                break
        if args.minutes and time.time() - t_start > 60 * args.minutes:
            log(f"time budget of {args.minutes} min reached")
            break
    if best_state is not None:
        model.load_state_dict(best_state)
    return best_epoch, history, time.time() - t_start


def golden_jets(data: TreeArrays, k: int) -> np.ndarray:
    """k test jets, half from each class (the first ones in file order)."""
    test = np.nonzero(data.split == 2)[0]
    sig = test[data.label[test] == 1][: (k + 1) // 2]
    bkg = test[data.label[test] == 0][: k // 2]
    return np.sort(np.r_[sig, bkg])


def export_gather_cell(cell, hl, hr, uu, out_dir: str, *, name: str, variant: str, common: dict) -> dict:
    """Exports the cell with its children's gathers inside (GatherCell): golden inputs are a table holding the golden
    h_left rows then the h_right rows, left = 0..M-1, right = M..2M-1 in reverse order (so the gathers permute), and u."""
    m = hl.shape[0]
    table = torch.cat([hl, hr], dim=0)
    left = torch.arange(m, dtype=torch.int32)
    right = torch.arange(2 * m - 1, m - 1, -1, dtype=torch.int32)
    rows_axis = {0: "rows"}
    nodes_axis = {0: "nodes"}
    return export_model(
        GatherCell(cell),
        {"table": table, "left": left, "right": right, "u": uu},
        ["h"],
        out_dir,
        name=name,
        dynamic_axes={"table": rows_axis, "left": nodes_axis, "right": nodes_axis, "u": nodes_axis, "h": nodes_axis},
        description=f"RecNN ({variant}) recursive cell with the children's gathers inside: h = cell(table[left], table[right], u) for one level's internal nodes; table holds every embedding computed so far (int32 row indices). The same weights as the cell graph.",
        atol=1e-5,
        rtol=1e-5,
        **common,
    )


def export(model: RecNN, data: TreeArrays, npz, meta: dict, out_dir: str, args, metrics: dict, training: dict):
    model.eval()
    H = model.hidden
    name = args.name or f"recnn-{meta.get('signal', 'signal')}-{meta.get('background', 'background')}-{model.variant}"
    k = args.golden_jets
    g = golden_jets(data, k)
    b = LevelBatch(data, g)
    cell_inputs = []
    with torch.no_grad():
        h_jet, nodes = model.embed_batch(b, keep_nodes=True, cell_inputs=cell_inputs)
        prob, logit = model.head(h_jet)
    # the per-graph golden files keep GOLDEN_ROWS rows (the end-to-end file covers every node of the golden jets)
    if not cell_inputs:  # golden jets of one constituent each have no internal node
        cell_inputs = [(torch.zeros(1, H), torch.zeros(1, H), torch.zeros(1, H))]
    hl = torch.cat([c[0] for c in cell_inputs])[:GOLDEN_ROWS]
    hr = torch.cat([c[1] for c in cell_inputs])[:GOLDEN_ROWS]
    uu = torch.cat([c[2] for c in cell_inputs])[:GOLDEN_ROWS]
    source = meta.get("source", "")
    training_data = (
        f"{meta['jets']} jets ({meta['labels']['signal']} {meta.get('signal', 'signal')} = 1, {meta['labels']['background']} "
        f"{meta.get('background', 'background')} = 0; train/validation/test {meta['splits']['train']}/{meta['splits']['validation']}/"
        f"{meta['splits']['test']}) from `jet-interp train-data` ({source}); {meta['algorithm']} trees"
    )
    common = dict(
        version=args.version,
        training_data=training_data,
        metrics=metrics,
        script="training/jets/train_recnn.py",
        extra_provenance={"variant": model.variant, "embeddingSize": H, "algorithm": meta["algorithm"], "dataCreatedBy": meta.get("createdBy", "")},
    )
    nodes_axis = {0: "nodes"}
    export_model(
        model.cell,
        {"h_left": hl, "h_right": hr, "u": uu},
        ["h"],
        out_dir,
        name=f"{name}-cell",
        dynamic_axes={"h_left": nodes_axis, "h_right": nodes_axis, "u": nodes_axis, "h": nodes_axis},
        description=f"RecNN ({model.variant}) recursive cell: the embedding h of internal nodes from their children's h_left, h_right and their own u; run level by level from the deepest.",
        atol=1e-5,
        rtol=1e-5,
        **common,
    )
    export_gather_cell(model.cell, hl, hr, uu, os.path.join(out_dir, "cell-gather"), name=f"{name}-cell-gather", variant=model.variant, common=common)
    export_model(
        model.embed,
        {"x": torch.from_numpy(data.x[b.nodes][:GOLDEN_ROWS])},
        ["u"],
        os.path.join(out_dir, "embed"),
        name=f"{name}-embed",
        dynamic_axes={"x": nodes_axis, "u": nodes_axis},
        description="RecNN node embedding u = ReLU(W_u x + b_u) of the 7 robust-scaled node features (p, eta, phi, E, E/E_J, pt, theta); a leaf's embedding is its u.",
        atol=1e-5,
        rtol=1e-5,
        **common,
    )
    jets_axis = {0: "jets"}
    export_model(
        model.head,
        {"h_jet": h_jet},
        ["probability", "logit"],
        os.path.join(out_dir, "head"),
        name=f"{name}-head",
        dynamic_axes={"h_jet": jets_axis, "probability": jets_axis, "logit": jets_axis},
        description="RecNN classifier head on the jet embedding h_J: ReLU(Dense) -> ReLU(Dense) -> Dense -> sigmoid = P(signal).",
        atol=1e-5,
        rtol=1e-5,
        **common,
    )
    golden = {
        "label": data.label[g].astype(np.int32),
        "probability": prob.numpy().astype(np.float32),
        "logit": logit.numpy().astype(np.float32),
        "embedding": h_jet.numpy().astype(np.float32),
        "node_embedding": nodes.numpy().astype(np.float32),
        "node_x": data.x[b.nodes],
        "node_left": npz["node_left"][b.nodes],
        "node_right": npz["node_right"][b.nodes],
    }
    if "constituents" in npz.files:
        c_off = npz["jet_constituent_offset"].astype(np.int64)
        golden["constituents"] = np.concatenate([npz["constituents"][c_off[j] : c_off[j + 1]] for j in g]).astype(np.float64)
        golden["jet_constituent_offset"] = np.r_[0, np.cumsum(c_off[g + 1] - c_off[g])].astype(np.int32)
        np.savez_compressed(os.path.join(out_dir, "golden-jets.npz"), **golden)
        golden_entry = {"file": "golden-jets.npz", "atol": GOLDEN_ATOL, "rtol": GOLDEN_RTOL}
    else:
        print("no constituents in the arrays: golden-jets.npz not written (write the arrays without --no-constituents)")
        golden_entry = None
    # the raw parameters (PyTorch names, float32): what TypeScript's exact backpropagation (saliency) reads
    weights = {k: v.detach().cpu().numpy().astype(np.float32) for k, v in model.state_dict().items()}
    np.savez(os.path.join(out_dir, "weights.npz"), **weights)
    with open(os.path.join(out_dir, "weights.npz"), "rb") as f:
        weights_sha = hashlib.sha256(f.read()).hexdigest()
    with open(os.path.join(out_dir, "scaler.json"), "w", encoding="utf-8") as f:
        json.dump(meta["scaler"], f, indent=2)
        f.write("\n")
    config = {
        "format": "recnn",
        "version": 1,
        "name": name,
        "variant": model.variant,
        "embeddingSize": H,
        "activation": "relu",
        "features": FEATURES,
        "algorithm": meta["algorithm"],
        "radius": meta.get("radius", 1000),
        "signal": meta.get("signal", "signal"),
        "background": meta.get("background", "background"),
        "graphs": {"embed": "embed/model.json", "cell": "model.json", "head": "head/model.json", "cellGather": "cell-gather/model.json"},
        "scaler": "scaler.json",
        "weights": {"file": "weights.npz", "sha256": weights_sha},
        **({"golden": golden_entry} if golden_entry else {}),
        "metrics": metrics,
        "training": training,
    }
    with open(os.path.join(out_dir, "recnn.json"), "w", encoding="utf-8") as f:
        json.dump(config, f, indent=2)
        f.write("\n")
    if golden_entry:
        # the whole-tree graph (one onnxruntime call per batch), composed from the three graphs just written; its golden
        # inputs are the golden jets' trees
        from add_tree_graph import add as add_tree_graph

        add_tree_graph(out_dir)
    else:
        print("no golden jets: tree/ not written (training/jets/add_tree_graph.py needs golden-jets.npz)")


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("data", help=".npz written by `jet-interp train-data`")
    p.add_argument("out_dir", help="model directory to write")
    p.add_argument("--variant", choices=["simple", "gated"], default="simple")
    p.add_argument("--hidden", type=int, default=70, help="embedding size (the seed's 70)")
    p.add_argument("--epochs", type=int, default=30)
    p.add_argument("--batch", type=int, default=64, help="jets per training batch")
    p.add_argument("--lr", type=float, default=1e-3)
    p.add_argument("--clip", type=float, default=5.0, help="gradient-norm clipping")
    p.add_argument("--patience", type=int, default=4, help="early stopping on the validation loss")
    p.add_argument("--minutes", type=float, default=0.0, help="wall-clock budget of the training loop (0: none)")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--golden-jets", type=int, default=8, help="test jets in golden-jets.npz")
    p.add_argument("--name", default=None)
    p.add_argument("--version", default="1.0.0")
    args = p.parse_args(argv)

    torch.set_num_threads(int(os.environ.get("TORCH_THREADS", "1")))
    torch.manual_seed(args.seed)
    npz = np.load(args.data)
    meta = json.loads(bytes(npz["meta_json"]).decode("utf-8"))
    if meta.get("format") != "recnn-train-data" or meta.get("features") != FEATURES:
        raise SystemExit(f"{args.data}: not RecNN training arrays with features {FEATURES} (write them with `jet-interp train-data`)")
    data = TreeArrays(npz)
    for code, split in ((0, "train"), (1, "validation"), (2, "test")):
        if not np.any(data.split == code) or len(np.unique(data.label[data.split == code])) < 2:
            raise SystemExit(f"{args.data}: the {split} split needs jets of both classes (write the arrays with --val-fraction and --test-fraction > 0)")
    log = lambda m: print(m, flush=True)  # noqa: E731
    log(f"{args.data}: {meta['jets']} jets, {meta['nodes']} nodes, max depth {meta['maxDepth']}, {meta['algorithm']} trees; "
        f"train/validation/test {meta['splits']['train']}/{meta['splits']['validation']}/{meta['splits']['test']}; "
        f"{args.variant} RecNN, H = {args.hidden}, {torch.get_num_threads()} thread(s)")
    model = RecNN(args.variant, len(FEATURES), args.hidden)
    best_epoch, history, seconds = train(model, data, args, log)
    test_ids = np.nonzero(data.split == 2)[0]
    val_ids = np.nonzero(data.split == 1)[0]
    t0 = time.time()
    test = evaluate(model, data, test_ids)
    eval_seconds = time.time() - t0
    val = evaluate(model, data, val_ids)
    def finite(v, digits):
        return round(v, digits) if np.isfinite(v) else None  # JSON has no Infinity (1/eps_B is infinite when no background passes)

    metrics = {
        "testAuc": round(test["auc"], 5),
        "testRejection50": finite(test["rejection50"], 3),
        "testAccuracy": round(test["accuracy"], 5),
        "testLoss": round(test["loss"], 5),
        "testJets": int(len(test_ids)),
        "validationAuc": round(val["auc"], 5),
        "validationRejection50": finite(val["rejection50"], 3),
        "trainJets": int((data.split == 0).sum()),
        "bestEpoch": best_epoch,
        "epochs": len(history),
    }
    training = {
        "optimizer": "adam",
        "lr": args.lr,
        "batchJets": args.batch,
        "gradClip": args.clip,
        "patience": args.patience,
        "seed": args.seed,
        "threads": torch.get_num_threads(),
        "trainSeconds": round(seconds, 1),
        "history": history,
    }
    log(f"test: AUC {test['auc']:.4f}, 1/eps_B at eps_S = 0.5: {test['rejection50']:.2f}, accuracy {test['accuracy']:.4f} "
        f"({len(test_ids)} jets, {len(test_ids) / eval_seconds:.0f} jets/s in PyTorch eager); best epoch {best_epoch}; {seconds:.0f} s training")
    export(model, data, npz, meta, args.out_dir, args, metrics, training)
    log(f"exported to {args.out_dir}")


if __name__ == "__main__":
    main()
