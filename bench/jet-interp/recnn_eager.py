"""PyTorch eager side of bench/jet-interp/recnn-speed.mjs: the RecNN of training/jets/recnn_model.py with the SAME
weights as the ONNX graphs (weights.npz of the model directory), on the jets of a `jet-interp train-data` .npz.

The node features are scaled with the MODEL's scaler.json (as the TypeScript side does), not with the file's own scaler:
from the file's unscaled float64 `node_features` when present ((raw - center) / scale in float64, then float32, the
same arithmetic as RobustScaler.transformToFloat32), otherwise by undoing the file's scaler on `node_x`.

Timed region per batch (jets per call): LevelBatch (numpy: order by depth, child positions, gather of the scaled
features) + RecNN.embed_batch (embed, one cell call per level, deepest first) + Head, under torch.no_grad(). The node
features themselves are precomputed (they come from the file).

Serve mode (what the Node script uses, so that the two sides alternate in one run without reloading torch): reads one
JSON command per line on stdin and answers one JSON line on stdout:
    {"cmd": "probs"}                                   -> {"probability": [...], "logit": [...]} of every jet (batch 512)
    {"cmd": "time", "batch": B, "threads": T, "jets": P, "warmup": W}
                                                       -> {"seconds": s} for one pass over the first P jets
    {"cmd": "quit"}
Usage: /usr/bin/python3 bench/jet-interp/recnn_eager.py MODEL_DIR DATA.npz [--serve]
"""
import json
import os
import sys
import time

import numpy as np
import torch

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "training", "jets"))
from recnn_model import LevelBatch, RecNN, TreeArrays  # noqa: E402


def load(model_dir: str, data_path: str):
    with open(os.path.join(model_dir, "recnn.json"), encoding="utf-8") as f:
        config = json.load(f)
    with open(os.path.join(model_dir, config.get("scaler", "scaler.json")), encoding="utf-8") as f:
        scaler = json.load(f)
    model = RecNN(config["variant"], len(config["features"]), config["embeddingSize"])
    w = np.load(os.path.join(model_dir, config.get("weights", {}).get("file", "weights.npz")))
    model.load_state_dict({k: torch.from_numpy(np.asarray(w[k])) for k in w.files})
    model.eval()
    npz = np.load(data_path)
    data = TreeArrays(npz)
    center = np.asarray(scaler["center"], dtype=np.float64)
    scale = np.asarray(scaler["scale"], dtype=np.float64)
    if "node_features" in npz.files:
        raw = npz["node_features"].astype(np.float64)
        how = "node_features (unscaled) scaled with the model's scaler"
    else:
        raw = npz["node_x"].astype(np.float64) * npz["scaler_scale"] + npz["scaler_center"]
        how = "node_x unscaled with the file's scaler, rescaled with the model's"
    data.x = np.ascontiguousarray(((raw - center) / scale).astype(np.float32))
    return model, data, how


def run(model, data, jets: np.ndarray, batch: int):
    probs, logits = [], []
    with torch.no_grad():
        for s in range(0, len(jets), batch):
            b = LevelBatch(data, jets[s : s + batch])
            h, _ = model.embed_batch(b)
            p, l = model.head(h)
            probs.append(p)
            logits.append(l)
    return torch.cat(probs).numpy(), torch.cat(logits).numpy()


def main():
    model_dir, data_path = sys.argv[1], sys.argv[2]
    model, data, how = load(model_dir, data_path)
    n_jets = len(data.offset) - 1
    everything = np.arange(n_jets, dtype=np.int64)
    if "--serve" not in sys.argv:
        torch.set_num_threads(1)
        t = time.perf_counter()
        p, _ = run(model, data, everything, 512)
        print(json.dumps({"jets": n_jets, "seconds": time.perf_counter() - t, "mean_probability": float(p.mean())}))
        return
    print(json.dumps({"ready": True, "torch": torch.__version__, "jets": n_jets, "nodes": int(data.offset[-1]), "features": how}), flush=True)
    for line in sys.stdin:
        cmd = json.loads(line)
        if cmd["cmd"] == "quit":
            break
        if cmd["cmd"] == "probs":
            torch.set_num_threads(1)
            p, l = run(model, data, everything, 512)
            print(json.dumps({"probability": p.tolist(), "logit": l.tolist()}), flush=True)
        elif cmd["cmd"] == "time":
            torch.set_num_threads(int(cmd["threads"]))
            jets = everything[: int(cmd["jets"])]
            for _ in range(int(cmd.get("warmup", 0))):
                run(model, data, jets, int(cmd["batch"]))
            t = time.perf_counter()
            run(model, data, jets, int(cmd["batch"]))
            print(json.dumps({"seconds": time.perf_counter() - t, "threads": torch.get_num_threads()}), flush=True)
        else:
            print(json.dumps({"error": f"unknown command {cmd['cmd']!r}"}), flush=True)


if __name__ == "__main__":
    main()
