"""Trains the tensor-core test model: a 2-layer MLP (2 -> 16 -> 2, tanh) on SYNTHETIC two-moons data.

The data comes from TypeScript (one featurizer per domain; Python only trains):

    npx tensor-core toy-data --out training/tensor-core/data/moons.npz --n 2000 --seed 0
    /usr/bin/python3 training/tensor-core/train_toy_mlp.py training/tensor-core/data/moons.npz packages/tensor-core/models/toy-mlp

Training takes a few seconds on CPU.
"""
import os
import sys

import numpy as np
import torch

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
from common.export import export_model  # noqa: E402


class ToyMlp(torch.nn.Module):
    def __init__(self, hidden: int = 16):
        super().__init__()
        self.net = torch.nn.Sequential(torch.nn.Linear(2, hidden), torch.nn.Tanh(), torch.nn.Linear(hidden, 2))

    def forward(self, x):
        logits = self.net(x)
        return logits, torch.softmax(logits, dim=-1)


def main(data_path: str, out_dir: str) -> None:
    torch.manual_seed(0)
    data = np.load(data_path)
    x = torch.from_numpy(data["x"]).float()
    y = torch.from_numpy(data["y"]).long()
    perm = torch.randperm(len(y))
    n_test = len(y) // 5
    test, train = perm[:n_test], perm[n_test:]
    model = ToyMlp()
    opt = torch.optim.Adam(model.parameters(), lr=0.02)
    for epoch in range(300):
        opt.zero_grad()
        loss = torch.nn.functional.cross_entropy(model(x[train])[0], y[train])
        loss.backward()
        opt.step()
    model.eval()
    with torch.no_grad():
        acc = (model(x[test])[0].argmax(-1) == y[test]).float().mean().item()
        train_acc = (model(x[train])[0].argmax(-1) == y[train]).float().mean().item()
    print(f"final loss {loss.item():.4f}  train acc {train_acc:.4f}  held-out acc {acc:.4f}")
    golden = {"x": x[test[:64]]}
    export_model(
        model,
        {"x": x[:4]},
        ["logits", "probabilities"],
        out_dir,
        name="tensor-core-toy-mlp",
        version="1.0.0",
        description="2-layer MLP (2-16-2, tanh) classifying SYNTHETIC two-moons points; the tensor-core test and demo model.",
        training_data=f"SYNTHETIC two-moons, {len(train)} train / {n_test} held-out points, written by `tensor-core toy-data --n {len(y)} --seed 0 --noise 0.15`",
        dynamic_axes={"x": {0: "batch"}, "logits": {0: "batch"}, "probabilities": {0: "batch"}},
        metrics={"heldOutAccuracy": round(acc, 4), "trainAccuracy": round(train_acc, 4), "finalLoss": round(loss.item(), 5)},
        golden_inputs=golden,
        atol=1e-5,
        script="training/tensor-core/train_toy_mlp.py",
    )
    print(f"exported to {out_dir}")


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2])
