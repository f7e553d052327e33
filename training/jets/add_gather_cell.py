"""Adds the gather cell (`cell-gather/`: the recursive cell with its children's gathers inside, see
recnn_model.GatherCell) to a RecNN model directory written by an earlier train_recnn.py, from the directory's own
weights.npz, and records it in recnn.json (`graphs.cellGather`). Nothing else in the directory changes: the other graphs,
their golden files, the scaler and the weights stay byte for byte.

Golden inputs come from the cell's own golden-inputs.npz (h_left, h_right, u); the manifest copies the cell manifest's
version, training data, metrics and provenance.

Usage: /usr/bin/python3 training/jets/add_gather_cell.py MODEL_DIR [MODEL_DIR ...]
"""
import hashlib
import json
import os
import sys

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, ".."))
from recnn_model import RecNN  # noqa: E402
from train_recnn import export_gather_cell  # noqa: E402


def add(model_dir: str) -> None:
    with open(os.path.join(model_dir, "recnn.json"), encoding="utf-8") as f:
        config = json.load(f)
    wfile = os.path.join(model_dir, config["weights"]["file"])
    with open(wfile, "rb") as f:
        if hashlib.sha256(f.read()).hexdigest() != config["weights"]["sha256"]:
            raise SystemExit(f"{wfile}: sha256 differs from recnn.json")
    model = RecNN(config["variant"], len(config["features"]), config["embeddingSize"])
    w = np.load(wfile)
    model.load_state_dict({k: torch.from_numpy(np.asarray(w[k])) for k in w.files})
    model.eval()
    cell_dir = os.path.dirname(os.path.join(model_dir, config["graphs"]["cell"]))
    with open(os.path.join(model_dir, config["graphs"]["cell"]), encoding="utf-8") as f:
        cell_manifest = json.load(f)
    g = np.load(os.path.join(cell_dir, cell_manifest["golden"]["inputs"]))
    prov = dict(cell_manifest["provenance"])
    common = dict(
        version=cell_manifest["version"],
        training_data=prov.pop("trainingData"),
        metrics=cell_manifest.get("metrics", {}),
        script="training/jets/add_gather_cell.py (weights from training/jets/train_recnn.py)",
        extra_provenance={k: v for k, v in prov.items() if k in ("variant", "embeddingSize", "algorithm", "dataCreatedBy")},
    )
    name = cell_manifest["name"].removesuffix("-cell") + "-cell-gather"
    t = lambda k: torch.from_numpy(np.asarray(g[k], dtype=np.float32))  # noqa: E731
    export_gather_cell(model.cell, t("h_left"), t("h_right"), t("u"), os.path.join(model_dir, "cell-gather"), name=name, variant=config["variant"], common=common)
    config["graphs"]["cellGather"] = "cell-gather/model.json"
    with open(os.path.join(model_dir, "recnn.json"), "w", encoding="utf-8") as f:
        json.dump(config, f, indent=2)
        f.write("\n")
    print(f"{model_dir}: cell-gather/ written, recnn.json updated")


if __name__ == "__main__":
    if len(sys.argv) < 2:
        raise SystemExit(__doc__)
    torch.set_num_threads(1)
    for d in sys.argv[1:]:
        add(d)
