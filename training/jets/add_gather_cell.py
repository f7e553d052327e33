"""Adds the gather cell (`cell-gather/`: the recursive cell with its children's gathers inside, see
recnn_model.GatherCell) to a RecNN model directory written by an earlier train_recnn.py, from the directory's own
weights.npz, and records it in recnn.json (`graphs.cellGather`). Nothing else in the directory changes: the other graphs,
their golden files, the scaler and the weights stay byte for byte.

Golden inputs come from the cell's own golden-inputs.npz (h_left, h_right, u); the manifest copies the cell manifest's
version, training data, metrics and provenance.

Usage: /usr/bin/python3 training/jets/add_gather_cell.py MODEL_DIR [MODEL_DIR ...]
"""
import json
import os
import sys

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, ".."))
from recnn_model import graph_provenance, load_model_dir, save_recnn_json  # noqa: E402
from train_recnn import export_gather_cell  # noqa: E402


def add(model_dir: str) -> None:
    config, model = load_model_dir(model_dir)
    cell_dir = os.path.dirname(os.path.join(model_dir, config["graphs"]["cell"]))
    with open(os.path.join(model_dir, config["graphs"]["cell"]), encoding="utf-8") as f:
        cell_manifest = json.load(f)
    g = np.load(os.path.join(cell_dir, cell_manifest["golden"]["inputs"]))
    training_data, extra = graph_provenance(cell_manifest)
    common = dict(
        version=cell_manifest["version"],
        training_data=training_data,
        metrics=cell_manifest.get("metrics", {}),
        script="training/jets/add_gather_cell.py (weights from training/jets/train_recnn.py)",
        extra_provenance=extra,
    )
    name = cell_manifest["name"].removesuffix("-cell") + "-cell-gather"
    t = lambda k: torch.from_numpy(np.asarray(g[k], dtype=np.float32))  # noqa: E731
    export_gather_cell(model.cell, t("h_left"), t("h_right"), t("u"), os.path.join(model_dir, "cell-gather"), name=name, variant=config["variant"], common=common)
    config["graphs"]["cellGather"] = "cell-gather/model.json"
    save_recnn_json(model_dir, config)
    print(f"{model_dir}: cell-gather/ written, recnn.json updated")


if __name__ == "__main__":
    if len(sys.argv) < 2:
        raise SystemExit(__doc__)
    torch.set_num_threads(1)
    for d in sys.argv[1:]:
        add(d)
