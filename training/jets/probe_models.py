"""The comparison networks of the linear-probing study (Cheng, Appendix C): FCN, LSTM and CNN jet taggers whose last three
hidden layers are returned next to the logit, so that their activations can be probed.

Every network maps its input to `(probability, logit, hidden1, hidden2, hidden3)`, hidden3 being the last hidden layer
(the one the output unit reads), hidden1 the third-to-last. Inputs are what `jet-interp probe-data` writes:

    fcn, lstm:  constituents [batch, 30, 4]   (pt/pt_J, deta, dphi, E/E_J of the 30 hardest constituents, zero padded)
    cnn:        image        [batch, 37, 37]  (pt fractions, centred / rotated / flipped)

Used by train_probes.py; run with Debian's /usr/bin/python3 (python3-torch).
"""
from __future__ import annotations

import numpy as np
import torch
from torch import nn

OUTPUT_NAMES = ["probability", "logit", "hidden1", "hidden2", "hidden3"]

# layer sizes: "full" for the study, "tiny" for the unit-test fixtures
PRESETS = {
    "fcn": {"full": {"sizes": [128, 64, 32]}, "tiny": {"sizes": [16, 8, 4]}},
    "lstm": {"full": {"hidden": 64, "dense": [64, 32]}, "tiny": {"hidden": 8, "dense": [8, 4]}},
    "cnn": {"full": {"channels": [16, 16, 8], "dense": [64, 32]}, "tiny": {"channels": [4, 4, 2], "dense": [8, 4]}},
}


class FCN(nn.Module):
    """Flatten [B, N, F] -> Dense(s1) ReLU [hidden1] -> Dense(s2) ReLU [hidden2] -> Dense(s3) ReLU [hidden3] -> Dense(1)."""

    input_name = "constituents"

    def __init__(self, constituents: int, features: int, sizes):
        super().__init__()
        s1, s2, s3 = sizes
        self.fc1 = nn.Linear(constituents * features, s1)
        self.fc2 = nn.Linear(s1, s2)
        self.fc3 = nn.Linear(s2, s3)
        self.out = nn.Linear(s3, 1)
        self.register_buffer("input_scale", torch.ones(features))
        self.layers = [
            ("hidden1", "fc1", f"Dense {constituents * features} -> {s1} + ReLU", s1),
            ("hidden2", "fc2", f"Dense {s1} -> {s2} + ReLU", s2),
            ("hidden3", "fc3", f"Dense {s2} -> {s3} + ReLU (the last hidden layer)", s3),
        ]

    def forward(self, x):
        h1 = torch.relu(self.fc1(torch.flatten(x * self.input_scale, 1)))
        h2 = torch.relu(self.fc2(h1))
        h3 = torch.relu(self.fc3(h2))
        logit = self.out(h3).squeeze(1)
        return torch.sigmoid(logit), logit, h1, h2, h3


class LSTMTagger(nn.Module):
    """LSTM over the constituents, softest first and hardest last (the zero padding comes first, so the state that reaches
    the output has read the hardest constituent last) -> final hidden state [hidden1] -> Dense ReLU [hidden2] -> Dense ReLU
    [hidden3] -> Dense(1). The reversal is a constant Gather inside the graph: the input is the FCN's array."""

    input_name = "constituents"

    def __init__(self, constituents: int, features: int, hidden: int, dense):
        super().__init__()
        d2, d3 = dense
        self.lstm = nn.LSTM(features, hidden, batch_first=True)
        self.fc2 = nn.Linear(hidden, d2)
        self.fc3 = nn.Linear(d2, d3)
        self.out = nn.Linear(d3, 1)
        self.register_buffer("input_scale", torch.ones(features))
        self.register_buffer("reverse", torch.arange(constituents - 1, -1, -1, dtype=torch.long), persistent=False)
        self.layers = [
            ("hidden1", "lstm", f"LSTM({features} -> {hidden}) final hidden state h_T after reading the {constituents} constituents softest first", hidden),
            ("hidden2", "fc2", f"Dense {hidden} -> {d2} + ReLU", d2),
            ("hidden3", "fc3", f"Dense {d2} -> {d3} + ReLU (the last hidden layer)", d3),
        ]

    def forward(self, x):
        seq = torch.index_select(x * self.input_scale, 1, self.reverse)
        _, (h_n, _) = self.lstm(seq)
        h1 = h_n[-1]
        h2 = torch.relu(self.fc2(h1))
        h3 = torch.relu(self.fc3(h2))
        logit = self.out(h3).squeeze(1)
        return torch.sigmoid(logit), logit, h1, h2, h3


class CNN(nn.Module):
    """[B, P, P] -> 3 x (Conv 3x3 pad 1 + ReLU + MaxPool 2, 2, 3) -> flatten [hidden1] -> Dense ReLU [hidden2] -> Dense ReLU
    [hidden3] -> Dense(1). For P = 37: 37 -> 18 -> 9 -> 3, hidden1 = channels[2] x 3 x 3 (channel-major)."""

    input_name = "image"

    def __init__(self, pixels: int, channels, dense):
        super().__init__()
        c1, c2, c3 = channels
        d2, d3 = dense
        self.conv1 = nn.Conv2d(1, c1, 3, padding=1)
        self.conv2 = nn.Conv2d(c1, c2, 3, padding=1)
        self.conv3 = nn.Conv2d(c2, c3, 3, padding=1)
        side = ((pixels // 2) // 2) // 3
        if side < 1:
            raise ValueError(f"images of {pixels} pixels are too small for the CNN (need >= 12)")
        flat = c3 * side * side
        self.fc2 = nn.Linear(flat, d2)
        self.fc3 = nn.Linear(d2, d3)
        self.out = nn.Linear(d3, 1)
        self.register_buffer("input_scale", torch.ones(()))
        self.layers = [
            ("hidden1", "conv3", f"last conv block (Conv 3x3 {c2} -> {c3} + ReLU + MaxPool 3) flattened: {c3} x {side} x {side} = {flat}, channel-major", flat),
            ("hidden2", "fc2", f"Dense {flat} -> {d2} + ReLU", d2),
            ("hidden3", "fc3", f"Dense {d2} -> {d3} + ReLU (the last hidden layer)", d3),
        ]

    def forward(self, x):
        h = (x * self.input_scale).unsqueeze(1)
        h = torch.max_pool2d(torch.relu(self.conv1(h)), 2)
        h = torch.max_pool2d(torch.relu(self.conv2(h)), 2)
        h = torch.max_pool2d(torch.relu(self.conv3(h)), 3)
        h1 = torch.flatten(h, 1)
        h2 = torch.relu(self.fc2(h1))
        h3 = torch.relu(self.fc3(h2))
        logit = self.out(h3).squeeze(1)
        return torch.sigmoid(logit), logit, h1, h2, h3


def fit_input_scale(model: nn.Module, x_train: torch.Tensor) -> None:
    """Sets the network's fixed input scale from the training inputs: per feature 1 / RMS over the real (non-padded)
    constituents for fcn/lstm (a scale, no shift, so zero padding stays zero), 1 / RMS of all pixels for the cnn. It is a
    constant multiplication at the start of the exported graph, so TypeScript feeds the unscaled featuriser output."""
    with torch.no_grad():
        if x_train.dim() == 3 and not isinstance(model, CNN):
            real = x_train.abs().sum(-1) > 0
            rows = x_train[real]
            rms = rows.pow(2).mean(0).sqrt()
        else:
            rms = x_train.pow(2).mean().sqrt()
        model.input_scale.copy_(torch.where(rms > 0, 1.0 / rms, torch.ones_like(rms)))


def build(arch: str, preset: str, constituents: int, features: int, pixels: int) -> nn.Module:
    p = PRESETS[arch][preset]
    if arch == "fcn":
        return FCN(constituents, features, p["sizes"])
    if arch == "lstm":
        return LSTMTagger(constituents, features, p["hidden"], p["dense"])
    if arch == "cnn":
        return CNN(pixels, p["channels"], p["dense"])
    raise ValueError(f"unknown arch {arch!r}: fcn, lstm or cnn")


def roc_metrics(labels, scores) -> dict:
    """ROC AUC over distinct score thresholds (ties count half, as scikit-learn's roc_auc_score) and the background
    rejection 1/eps_B at 50 % signal efficiency, interpolated linearly between ROC points (tensor-core's
    rejectionAtEfficiency)."""
    y = np.asarray(labels).astype(np.int64)
    s = np.asarray(scores, dtype=np.float64)
    idx = np.argsort(-s, kind="mergesort")
    s, y = s[idx], y[idx]
    ends = np.r_[np.flatnonzero(s[1:] != s[:-1]), len(s) - 1]
    tp = np.cumsum(y)[ends].astype(np.float64)
    fp = (ends + 1) - tp
    if tp[-1] == 0 or fp[-1] == 0:
        return {"auc": float("nan"), "rejection50": float("nan")}
    tpr = np.r_[0.0, tp / tp[-1]]
    fpr = np.r_[0.0, fp / fp[-1]]
    auc = float(np.sum((fpr[1:] - fpr[:-1]) * (tpr[1:] + tpr[:-1]) / 2))
    k = int(np.argmax(tpr >= 0.5))
    if tpr[k] == tpr[k - 1]:
        eps_b = fpr[k]
    else:
        eps_b = fpr[k - 1] + (0.5 - tpr[k - 1]) * (fpr[k] - fpr[k - 1]) / (tpr[k] - tpr[k - 1])
    return {"auc": auc, "rejection50": float(1.0 / eps_b) if eps_b > 0 else float("inf")}
