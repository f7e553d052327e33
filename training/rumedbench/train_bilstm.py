"""Trains the RuMedBench BiLSTM baselines from arrays written by TypeScript and exports them to ONNX.

    npx rumedbench bilstm-data --data-dir ../shared/data/rumedbench --tasks all --out training/rumedbench/data
    /usr/bin/python3 training/rumedbench/train_bilstm.py training/rumedbench/data packages/rumedbench/models [Task ...]

Network (the paper's BiLSTM baseline): randomly initialised 300-d word embeddings, a 2-layer bidirectional LSTM, and
a linear head: on the top layer's final forward and backward states for single texts and pairs (pairs arrive as
`text1 <sep> text2` from TypeScript), on every position's output for NER tags.

Two recipes (see RECIPES):
- classifiers: hidden 128 per direction (the paper used 256; 128 keeps the shipped models small), Adam (lr 1e-3),
  batch 64, embedding dropout 0.3, early stopping on the dev loss with patience 3; the best dev-loss epoch is exported.
- RuMedNER: the paper's tagger: hidden 256, embedding dropout 0.5, every parameter drawn from N(0, 0.1) (padding row
  zero), AdamW (lr 1.5e-3, weight decay 0.01), batch 32, at most 20 epochs; the epoch with the best dev entity F1 is
  exported. Write its arrays with the paper's full training vocabulary:
      npx rumedbench bilstm-data --data-dir ../shared/data/rumedbench --tasks RuMedNER --min-count 1 --out training/rumedbench/data
Sequences are packed in training so padding never reaches the LSTM. Each model is exported with dynamic batch and
sequence axes; the exported forward runs unpadded sequences, so callers batch equal lengths.
"""
import json
import os
import shutil
import sys
import time

import numpy as np
import torch
from torch import nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
from common.export import export_model  # noqa: E402
from common.seqeval import entity_prf  # noqa: E402

TASKS = ["RuMedTop3", "RuMedSymptomRec", "RuMedDaNet", "RuMedNLI", "RuMedNER"]
SEED = 101
MAX_EPOCHS = int(os.environ.get("BILSTM_MAX_EPOCHS", "20"))

RECIPES = {
    "classifier": {"hidden": 128, "emb_dropout": 0.3, "optimizer": "adam", "lr": 1e-3, "weight_decay": 0.0, "normal_init": False, "batch": 64, "patience": 3},
    "tagger": {"hidden": 256, "emb_dropout": 0.5, "optimizer": "adamw", "lr": 1.5e-3, "weight_decay": 0.01, "normal_init": True, "batch": 32, "patience": MAX_EPOCHS},
}


class BiLstmNet(nn.Module):
    def __init__(self, vocab_size, n_out, tagging, emb_dim=300, hidden=128, layers=2, emb_dropout=0.3, dropout=0.25):
        super().__init__()
        self.tagging = tagging
        self.embedding = nn.Embedding(vocab_size, emb_dim, padding_idx=0)
        self.emb_dropout = nn.Dropout(emb_dropout)
        self.lstm = nn.LSTM(emb_dim, hidden, num_layers=layers, bidirectional=True, batch_first=True, dropout=0.1)
        self.dropout = nn.Dropout(dropout)
        self.fc = nn.Linear(2 * hidden, n_out)

    def head(self, out, h):
        if self.tagging:
            return self.fc(self.dropout(out))
        return self.fc(self.dropout(torch.cat([h[-2], h[-1]], dim=1)))

    def forward(self, ids):
        """Export path: `ids` [batch, length] without padding."""
        out, (h, _) = self.lstm(self.emb_dropout(self.embedding(ids)))
        return self.head(out, h)

    def forward_padded(self, ids, lengths):
        """Training path: padded batches, packed so padding never reaches the LSTM."""
        x = self.emb_dropout(self.embedding(ids))
        packed = pack_padded_sequence(x, lengths.cpu(), batch_first=True, enforce_sorted=False)
        out, (h, _) = self.lstm(packed)
        out, _ = pad_packed_sequence(out, batch_first=True, total_length=ids.shape[1])
        return self.head(out, h)


def batches(n, size, rng=None):
    order = rng.permutation(n) if rng is not None else np.arange(n)
    for s in range(0, n, size):
        yield order[s : s + size]


def run_epoch(model, ids, lengths, labels, batch, optimizer=None, rng=None):
    tagging = model.tagging
    loss_fn = nn.CrossEntropyLoss(ignore_index=-100 if tagging else -1, reduction="sum")
    model.train(optimizer is not None)
    total, count, logits_all = 0.0, 0, []
    for idx in batches(len(ids), batch, rng):
        L = int(lengths[idx].max())
        x = torch.from_numpy(ids[idx, :L])
        lens = torch.from_numpy(lengths[idx])
        y = torch.from_numpy(labels[idx, :L] if tagging else labels[idx])
        with torch.set_grad_enabled(optimizer is not None):
            logits = model.forward_padded(x, lens)
            flat = logits.reshape(-1, logits.shape[-1]) if tagging else logits
            loss = loss_fn(flat, y.reshape(-1))
        if optimizer is not None:
            optimizer.zero_grad()
            (loss / max(1, int((y != (-100 if tagging else -1)).sum()))).backward()
            nn.utils.clip_grad_norm_(model.parameters(), 5.0)
            optimizer.step()
        total += loss.item()
        count += int((y != (-100 if tagging else -1)).sum())
        if optimizer is None:
            logits_all.append((idx, logits.detach().numpy()))
    return total / max(count, 1), logits_all


def dev_metrics(model, ids, lengths, labels, batch, label_names=None):
    loss, parts = run_epoch(model, ids, lengths, labels, batch)
    if model.tagging:
        correct = total = 0
        gold_seqs, pred_seqs = [], []
        for idx, logits in parts:
            pred = logits.argmax(-1)
            for r, i in enumerate(idx):
                n = int(lengths[i])
                correct += int((pred[r, :n] == labels[i, :n]).sum())
                total += n
                if label_names is not None:
                    gold_seqs.append([label_names[j] for j in labels[i, :n]])
                    pred_seqs.append([label_names[j] for j in pred[r, :n]])
        out = {"tokenAccuracy": correct / total}
        if label_names is not None:
            out["entityF1"] = entity_prf(gold_seqs, pred_seqs)[2]
        return loss, out
    scores = np.zeros((len(ids), parts[0][1].shape[1]), dtype=np.float32)
    for idx, logits in parts:
        scores[idx] = logits
    order = np.argsort(-scores, axis=1, kind="stable")
    acc = float(np.mean(order[:, 0] == labels))
    hit3 = float(np.mean([labels[i] in order[i, :3] for i in range(len(labels))]))
    return loss, {"accuracy": acc, "hit3": hit3}


def train_task(data_dir, out_root, task):
    path = os.path.join(data_dir, f"{task}.npz")
    if not os.path.exists(path):
        print(f"skip {task}: {path} not found")
        return
    torch.manual_seed(SEED)
    rng = np.random.default_rng(SEED)
    d = np.load(path)
    vocab = json.load(open(os.path.join(data_dir, f"{task}.vocab.json"), encoding="utf-8"))
    labels = json.load(open(os.path.join(data_dir, f"{task}.labels.json"), encoding="utf-8"))["labels"]
    tagging = d["train_labels"].ndim == 2
    recipe = RECIPES["tagger" if tagging else "classifier"]
    batch = recipe["batch"]
    model = BiLstmNet(len(vocab["tokens"]), len(labels), tagging, hidden=recipe["hidden"], emb_dropout=recipe["emb_dropout"])
    if recipe["normal_init"]:
        for p in model.parameters():
            nn.init.normal_(p.data, mean=0.0, std=0.1)
        model.embedding.weight.data[0].zero_()
    if recipe["optimizer"] == "adamw":
        opt = torch.optim.AdamW(model.parameters(), lr=recipe["lr"], weight_decay=recipe["weight_decay"])
    else:
        opt = torch.optim.Adam(model.parameters(), lr=recipe["lr"])
    # NER keeps the epoch with the best dev entity F1; classifiers the epoch with the lowest dev loss (as the paper).
    best, best_state, patience, history = float("inf"), None, 0, []
    t0 = time.time()
    for epoch in range(MAX_EPOCHS):
        train_loss, _ = run_epoch(model, d["train_ids"], d["train_lengths"], d["train_labels"], batch, opt, rng)
        dev_loss, metrics = dev_metrics(model, d["dev_ids"], d["dev_lengths"], d["dev_labels"], batch, labels if tagging else None)
        history.append({"epoch": epoch + 1, "train_loss": round(train_loss, 4), "dev_loss": round(dev_loss, 4), **{k: round(v, 4) for k, v in metrics.items()}})
        print(f"{task} epoch {epoch + 1}: train {train_loss:.4f} dev {dev_loss:.4f} {metrics} ({time.time() - t0:.0f}s)", flush=True)
        criterion = -metrics["entityF1"] if tagging else dev_loss
        if criterion < best:
            best, patience = criterion, 0
            best_state = {k: v.clone() for k, v in model.state_dict().items()}
        else:
            patience += 1
            if patience > recipe["patience"]:
                break
    model.load_state_dict(best_state)
    model.eval()
    dev_loss, dev = dev_metrics(model, d["dev_ids"], d["dev_lengths"], d["dev_labels"], batch, labels if tagging else None)
    out_dir = os.path.join(out_root, f"bilstm-{task.lower()}")
    # golden inputs: two unpadded sequences of equal length from the dev set
    L = int(np.median(d["dev_lengths"]))
    rows = [i for i in range(len(d["dev_ids"])) if d["dev_lengths"][i] >= L][:3]
    golden = torch.from_numpy(d["dev_ids"][rows, :L].copy())
    out_name = "tag_logits" if tagging else "logits"
    export_model(
        model,
        {"ids": golden},
        [out_name],
        out_dir,
        name=f"rumedbench-bilstm-{task.lower()}",
        version="1.0.0",
        description=f"BiLSTM baseline for {task} (300-d random embeddings, 2-layer BiLSTM, hidden {recipe['hidden']}): "
        + ("per-token tag logits over labels.json" if tagging else "class logits over labels.json"),
        training_data=f"RuMedBench v1 {task} train split ({len(d['train_ids'])} items); vocabulary and ids written by `rumedbench bilstm-data`; dev split for early stopping",
        dynamic_axes={"ids": {0: "batch", 1: "length"}, out_name: {0: "batch", 1: "length"} if tagging else {0: "batch"}},
        metrics={"dev": {k: round(v, 4) for k, v in dev.items()}, "devLoss": round(dev_loss, 4), "epochs": len(history), "history": history, "trainSeconds": round(time.time() - t0, 1)},
        atol=1e-4,
        script="training/rumedbench/train_bilstm.py",
        extra_provenance={"seed": SEED, "embedding": 300, "layers": 2, "recipe": recipe, "vocabularySize": len(vocab["tokens"])},
    )
    shutil.copy(os.path.join(data_dir, f"{task}.vocab.json"), os.path.join(out_dir, "vocab.json"))
    shutil.copy(os.path.join(data_dir, f"{task}.labels.json"), os.path.join(out_dir, "labels.json"))
    print(f"{task}: exported to {out_dir}; dev {dev}")


if __name__ == "__main__":
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    torch.set_num_threads(int(os.environ.get("TORCH_THREADS", max(1, os.cpu_count() or 1))))
    for t in sys.argv[3:] or TASKS:
        train_task(sys.argv[1], sys.argv[2], t)
