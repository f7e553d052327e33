"""Pretrains a small BERT (masked-language modelling) on the RuMedBench training texts, fine-tunes one model per task,
and exports the encoder and every task model to ONNX.

    npx rumedbench bert-data --data-dir ../shared/data/rumedbench --tasks all --out training/rumedbench/bert-data
    /usr/bin/python3 training/rumedbench/train_bert.py training/rumedbench/bert-data packages/rumedbench/models [Task ...]

Input (written by `rumedbench bert-data`): `vocab.txt` (WordPiece, line index = id, [PAD]=0 [UNK]=1 [CLS]=2 [SEP]=3
[MASK]=4), `bert-data.json` (vocabSize, doLowerCase, stripAccents, special ids, maxLength, pairMaxLength, tasks with
kind/labels/sizes), `pretrain.npz` (input_ids [n, L] 0-padded `[CLS] ... [SEP]` rows from training splits only,
lengths [n]) and `<Task>.npz` ({train,dev,test}_{input_ids,token_type_ids,attention_mask,labels}; labels [n] class
index with -1 = unseen in training / no gold, or [n, L] tag index on each word's first piece with -100 elsewhere).

Model (env-overridable, see CONFIG_ENV): hidden 128, 4 layers, 4 heads, intermediate 4 x hidden (512), dropout 0.1,
max_position_embeddings = max(maxLength, pairMaxLength), type_vocab_size 2 -- small enough to train on CPU.

Pretraining: MLM on 15% of the non-special, non-pad tokens (80% [MASK], 10% a random non-special token, 10% kept),
drawn afresh for every batch; AdamW (lr 5e-4, weight decay 0.01 except biases and LayerNorm), 6% linear warmup then
linear decay, batch 64, gradient norm clipped at 1.0, BERT_PRETRAIN_EPOCHS epochs (default 8). 5% of the pretraining
rows are held out for a masked-token loss/accuracy with a fixed masking. Rows are bucketed by length so each batch is
cropped to its longest row. The state is saved to DATA_DIR/pretrained.pt and reused when the model config, the
pretraining recipe and the data shape match (BERT_REPRETRAIN=1 forces a new run).

Fine-tuning (one model per task, from the pretrained weights): AdamW (lr BERT_LR = 1e-4, weight decay 0.01), 10%
warmup then linear decay, batch 32, BERT_EPOCHS epochs (default 5), length-bucketed batches, cross-entropy (ignoring
-1 class labels / -100 tags). Single texts and pairs are classified from the pooled vector (BERT_POOLING: mean | cls |
pooler, default mean); NER tags every position. The epoch with the best dev metric is exported: accuracy (all dev
rows; a label unseen in training counts as wrong) for classifiers, entity F1 (IOB tags, conlleval/seqeval default
chunking, over each word's first piece) for taggers, token accuracy when the tag names are not IOB.

Outputs under OUT_ROOT:
- `bert-encoder/`: the pretrained encoder (inputs input_ids, attention_mask, token_type_ids; output
  last_hidden_state [batch, length, hidden]) + `golden-pooled.npz` (cls and mean vectors of the golden inputs);
- `bert-<task lower-case>/`: output `logits` [batch, C] or [batch, length, C].
Each directory holds model.onnx, model.json, golden-inputs.npz, golden-outputs.npz, vocab.txt and bert.json
({head, pooling, task, labels, maxLength, doLowerCase, stripAccents, vocab, hidden}). Golden tolerance atol 1e-4.

Environment: BERT_PRETRAIN_EPOCHS (8), BERT_EPOCHS (5), BERT_LR (1e-4), BERT_PRETRAIN_LR (5e-4), BERT_POOLING (mean),
BERT_BATCH (32), BERT_PRETRAIN_BATCH (64), BERT_REPRETRAIN (0), BERT_HIDDEN (128), BERT_LAYERS (4), BERT_HEADS (4),
BERT_INTERMEDIATE (4 x hidden), BERT_DROPOUT (0.1), TORCH_THREADS (all cores).
"""
import json
import math
import os
import shutil
import sys
import time

import numpy as np
import torch
from torch import nn

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
sys.path.insert(0, os.path.dirname(__file__))
from common.export import export_model  # noqa: E402
from common.seqeval import entity_prf  # noqa: E402
from bert_model import BertConfig, BertForMaskedLM, BertForRuMed, mean_pool  # noqa: E402

SEED = 101
PRETRAIN_EPOCHS = int(os.environ.get("BERT_PRETRAIN_EPOCHS", "8"))
EPOCHS = int(os.environ.get("BERT_EPOCHS", "5"))
LR = float(os.environ.get("BERT_LR", "1e-4"))
PRETRAIN_LR = float(os.environ.get("BERT_PRETRAIN_LR", "5e-4"))
POOLING = os.environ.get("BERT_POOLING", "mean")
BATCH = int(os.environ.get("BERT_BATCH", "32"))
PRETRAIN_BATCH = int(os.environ.get("BERT_PRETRAIN_BATCH", "64"))
REPRETRAIN = os.environ.get("BERT_REPRETRAIN", "0") not in ("", "0", "false")

PRETRAIN_RECIPE = {
    "objective": "mlm",
    "maskProb": 0.15,
    "split": "80% [MASK] / 10% random / 10% keep",
    "optimizer": "adamw",
    "lr": PRETRAIN_LR,
    "weightDecay": 0.01,
    "warmup": 0.06,
    "schedule": "linear",
    "batch": PRETRAIN_BATCH,
    "epochs": PRETRAIN_EPOCHS,
    "clipNorm": 1.0,
    "heldOut": 0.05,
}
FINETUNE_RECIPE = {
    "optimizer": "adamw",
    "lr": LR,
    "weightDecay": 0.01,
    "warmup": 0.1,
    "schedule": "linear",
    "batch": BATCH,
    "epochs": EPOCHS,
    "clipNorm": 1.0,
    "pooling": POOLING,
}


def model_config(meta):
    hidden = int(os.environ.get("BERT_HIDDEN", "128"))
    dropout = float(os.environ.get("BERT_DROPOUT", "0.1"))
    return BertConfig(
        vocab_size=int(meta["vocabSize"]),
        hidden_size=hidden,
        num_hidden_layers=int(os.environ.get("BERT_LAYERS", "4")),
        num_attention_heads=int(os.environ.get("BERT_HEADS", "4")),
        intermediate_size=int(os.environ.get("BERT_INTERMEDIATE", str(4 * hidden))),
        max_position_embeddings=max(int(meta["maxLength"]), int(meta["pairMaxLength"])),
        type_vocab_size=2,
        hidden_dropout_prob=dropout,
        attention_probs_dropout_prob=dropout,
        pad_token_id=int(meta["special"]["pad"]),
    )


# ---------------------------------------------------------------------------------------------------------- batching


def bucketed_batches(lengths, batch, rng, pool=50):
    """Shuffled batches of row indices whose lengths are close: a random permutation is cut into pools of
    `pool` batches, each pool sorted by length and cut into batches, and the batch order shuffled."""
    order = rng.permutation(len(lengths))
    out = []
    size = batch * pool
    for s in range(0, len(order), size):
        chunk = order[s : s + size]
        chunk = chunk[np.argsort(lengths[chunk], kind="stable")]
        out.extend(chunk[i : i + batch] for i in range(0, len(chunk), batch))
    rng.shuffle(out)
    return out


def sorted_batches(lengths, batch):
    """Deterministic evaluation batches in length order."""
    order = np.argsort(lengths, kind="stable")
    return [order[i : i + batch] for i in range(0, len(order), batch)]


def adamw(model, lr, weight_decay):
    decay, no_decay = [], []
    for name, p in model.named_parameters():
        (no_decay if name.endswith("bias") or "LayerNorm" in name else decay).append(p)
    return torch.optim.AdamW([{"params": decay, "weight_decay": weight_decay}, {"params": no_decay, "weight_decay": 0.0}], lr=lr)


def linear_schedule(opt, total_steps, warmup_frac):
    warmup = max(1, int(math.ceil(warmup_frac * total_steps)))

    def factor(step):
        if step < warmup:
            return (step + 1) / warmup
        return max(0.0, (total_steps - step) / max(1, total_steps - warmup))

    return torch.optim.lr_scheduler.LambdaLR(opt, factor)


# ------------------------------------------------------------------------------------------------------- pretraining


class Masker:
    def __init__(self, vocab_size, special, mask_prob=0.15):
        self.vocab_size = vocab_size
        self.special_ids = torch.tensor(sorted(set(int(v) for v in special.values())), dtype=torch.long)
        self.mask_id = int(special["mask"])
        normal = torch.ones(vocab_size, dtype=torch.bool)
        normal[self.special_ids] = False
        self.normal_ids = torch.nonzero(normal).flatten()
        self.mask_prob = mask_prob

    def __call__(self, ids, gen):
        """Returns (corrupted ids, masked positions bool, target ids at the masked positions)."""
        candidates = ~torch.isin(ids, self.special_ids)
        chosen = (torch.rand(ids.shape, generator=gen) < self.mask_prob) & candidates
        if not chosen.any() and candidates.any():  # at least one prediction per batch
            flat = torch.nonzero(candidates.flatten()).flatten()
            pick = flat[torch.randint(len(flat), (1,), generator=gen)]
            chosen.view(-1)[pick] = True
        targets = ids[chosen]
        corrupted = ids.clone()
        r = torch.rand(ids.shape, generator=gen)
        to_mask = chosen & (r < 0.8)
        to_random = chosen & (r >= 0.8) & (r < 0.9)
        corrupted[to_mask] = self.mask_id
        n_random = int(to_random.sum())
        if n_random:
            corrupted[to_random] = self.normal_ids[torch.randint(len(self.normal_ids), (n_random,), generator=gen)]
        return corrupted, chosen, targets


def mlm_step(model, ids, masker, gen, pad_id):
    corrupted, chosen, targets = masker(ids, gen)
    attn = (ids != pad_id).long()
    logits = model(corrupted, attn, torch.zeros_like(ids), masked_positions=chosen)
    loss = nn.functional.cross_entropy(logits, targets, reduction="sum")
    correct = int((logits.argmax(-1) == targets).sum())
    return loss, correct, int(targets.numel())


def evaluate_mlm(model, ids, lengths, masker, pad_id):
    model.eval()
    gen = torch.Generator().manual_seed(SEED + 1)  # the same masking every epoch
    total_loss = correct = count = 0
    with torch.no_grad():
        for idx in sorted_batches(lengths, PRETRAIN_BATCH):
            x = torch.from_numpy(ids[idx, : int(lengths[idx].max())])
            loss, c, n = mlm_step(model, x, masker, gen, pad_id)
            total_loss += loss.item()
            correct += c
            count += n
    return total_loss / max(count, 1), correct / max(count, 1)


def pretrain(data_dir, meta, config):
    d = np.load(os.path.join(data_dir, "pretrain.npz"))
    ids, lengths = d["input_ids"].astype(np.int64), d["lengths"].astype(np.int64)
    pad_id = int(meta["special"]["pad"])
    key = {
        "config": config.to_dict(),
        "recipe": PRETRAIN_RECIPE,
        "seed": SEED,
        "rows": int(len(ids)),
        "tokens": int(lengths.sum()),
    }
    path = os.path.join(data_dir, "pretrained.pt")
    if os.path.exists(path) and not REPRETRAIN:
        saved = torch.load(path, map_location="cpu")
        if saved.get("key") == key:
            print(f"pretrain: reusing {path} (final epoch {saved['stats']['final']})", flush=True)
            return saved["state"], saved["stats"], ids, lengths, saved["heldOut"]
        print(f"pretrain: {path} was made with another config/recipe/data; pretraining again", flush=True)

    torch.manual_seed(SEED)
    rng = np.random.default_rng(SEED)
    perm = rng.permutation(len(ids))
    n_held = max(1, int(round(0.05 * len(ids)))) if len(ids) > 1 else 0
    held, train = np.sort(perm[:n_held]), perm[n_held:]
    model = BertForMaskedLM(config)
    masker = Masker(config.vocab_size, meta["special"], PRETRAIN_RECIPE["maskProb"])
    steps_per_epoch = int(math.ceil(len(train) / PRETRAIN_BATCH))
    opt = adamw(model, PRETRAIN_LR, PRETRAIN_RECIPE["weightDecay"])
    sched = linear_schedule(opt, max(1, steps_per_epoch * PRETRAIN_EPOCHS), PRETRAIN_RECIPE["warmup"])
    gen = torch.Generator().manual_seed(SEED)
    history = []
    t0 = time.time()
    print(f"pretrain: {len(train)} rows ({int(lengths[train].sum())} tokens), {n_held} held out, {PRETRAIN_EPOCHS} epochs, "
          f"{sum(p.numel() for p in model.parameters())} parameters", flush=True)
    for epoch in range(PRETRAIN_EPOCHS):
        model.train()
        total_loss = correct = count = 0
        for b in bucketed_batches(lengths[train], PRETRAIN_BATCH, rng):
            idx = train[b]
            x = torch.from_numpy(ids[idx, : int(lengths[idx].max())])
            loss, c, n = mlm_step(model, x, masker, gen, pad_id)
            opt.zero_grad()
            (loss / max(n, 1)).backward()
            nn.utils.clip_grad_norm_(model.parameters(), PRETRAIN_RECIPE["clipNorm"])
            opt.step()
            sched.step()
            total_loss += loss.item()
            correct += c
            count += n
        held_loss, held_acc = evaluate_mlm(model, ids[held], lengths[held], masker, pad_id) if n_held else (float("nan"), float("nan"))
        row = {
            "epoch": epoch + 1,
            "trainLoss": round(total_loss / max(count, 1), 4),
            "trainMaskedAccuracy": round(correct / max(count, 1), 4),
            "heldOutLoss": round(held_loss, 4),
            "heldOutMaskedAccuracy": round(held_acc, 4),
            "seconds": round(time.time() - t0, 1),
        }
        history.append(row)
        print(f"pretrain epoch {epoch + 1}: loss {row['trainLoss']:.4f} held-out loss {row['heldOutLoss']:.4f} "
              f"masked acc {row['heldOutMaskedAccuracy']:.4f} ({time.time() - t0:.0f}s)", flush=True)
    stats = {
        "rows": int(len(train)),
        "heldOutRows": int(n_held),
        "tokens": int(lengths[train].sum()),
        "epochs": PRETRAIN_EPOCHS,
        "seconds": round(time.time() - t0, 1),
        "final": history[-1] if history else None,
        "history": history,
    }
    state = {k: v.detach().clone() for k, v in model.state_dict().items()}
    torch.save({"key": key, "state": state, "stats": stats, "heldOut": held.tolist()}, path)
    print(f"pretrain: saved {path}", flush=True)
    return state, stats, ids, lengths, held.tolist()


def encoder_state(mlm_state):
    """`bert.*` keys of the MLM model without the prefix (the encoder's own names)."""
    return {k[len("bert."):]: v for k, v in mlm_state.items() if k.startswith("bert.")}


def load_encoder(model, mlm_state):
    missing, unexpected = model.bert.load_state_dict(encoder_state(mlm_state), strict=False)
    missing = [k for k in missing if not k.startswith("pooler.")]  # MLM pretraining has no pooler
    if missing or unexpected:
        raise RuntimeError(f"pretrained state does not fit: missing {missing}, unexpected {unexpected}")


# ------------------------------------------------------------------------------------------------------------ export


def pick_golden_rows(lengths, candidates, n=3):
    """`n` rows among `candidates` whose lengths differ, so the batch cropped to its longest row pads the others."""
    cand = [int(i) for i in candidates]
    if not cand:
        raise ValueError("no rows for golden inputs")
    by_len = sorted(cand, key=lambda i: (int(lengths[i]), i))
    longest = by_len[(len(by_len) * 3) // 4]  # not the very longest: keeps golden files small
    rows = [longest]
    for i in reversed(by_len[: (len(by_len) * 3) // 4]):
        if len(rows) == n:
            break
        if int(lengths[i]) < int(lengths[longest]) and all(int(lengths[i]) != int(lengths[r]) for r in rows[1:]):
            rows.append(i)
    for i in cand:  # fall back to any rows
        if len(rows) == n:
            break
        if i not in rows:
            rows.append(i)
    if len(set(int(lengths[r]) for r in rows)) == 1:
        print("warning: golden rows all have the same length; no padding in the golden inputs", flush=True)
    return rows[:n]


def write_bert_json(out_dir, meta, data_dir, head, pooling, task, labels, max_length, hidden):
    shutil.copy(os.path.join(data_dir, "vocab.txt"), os.path.join(out_dir, "vocab.txt"))
    info = {
        "head": head,
        "pooling": pooling,
        "task": task,
        "labels": labels,
        "maxLength": int(max_length),
        "doLowerCase": bool(meta["doLowerCase"]),
        "stripAccents": bool(meta["stripAccents"]),
        "vocab": "vocab.txt",
        "hidden": int(hidden),
    }
    with open(os.path.join(out_dir, "bert.json"), "w", encoding="utf-8") as f:
        json.dump(info, f, indent=2, ensure_ascii=False)
        f.write("\n")


def export_encoder(out_root, data_dir, meta, config, mlm_state, pretrain_stats, ids, lengths, held):
    model = BertForRuMed(config, "encoder")
    load_encoder(model, mlm_state)
    model.eval()
    pad_id = int(meta["special"]["pad"])
    rows = pick_golden_rows(lengths, held if held else range(len(ids)))
    L = int(lengths[rows].max())
    golden_ids = torch.from_numpy(ids[rows, :L].copy())
    golden = {
        "input_ids": golden_ids,
        "attention_mask": (golden_ids != pad_id).long(),
        "token_type_ids": torch.zeros_like(golden_ids),
    }
    # trace with another shape than the golden batch so the golden test also exercises the dynamic axes
    example = {k: v[:2, : max(2, L - 1)].clone() for k, v in golden.items()}
    out_dir = os.path.join(out_root, "bert-encoder")
    dyn = {k: {0: "batch", 1: "length"} for k in ("input_ids", "attention_mask", "token_type_ids", "last_hidden_state")}
    export_model(
        model,
        example,
        ["last_hidden_state"],
        out_dir,
        name="rumedbench-bert-encoder",
        version="1.0.0",
        description=f"Small BERT ({config.num_hidden_layers} layers, hidden {config.hidden_size}, {config.num_attention_heads} heads) "
        "pretrained with masked-language modelling on the RuMedBench training texts: last hidden states",
        training_data=f"RuMedBench v1 training splits of {', '.join(sorted(meta['tasks']))} ({pretrain_stats['rows']} texts, "
        f"{pretrain_stats['tokens']} WordPiece tokens) written by `rumedbench bert-data`",
        dynamic_axes=dyn,
        metrics={"pretrain": pretrain_stats},
        golden_inputs=golden,
        atol=1e-4,
        script="training/rumedbench/train_bert.py",
        extra_provenance={"seed": SEED, "config": config.to_dict(), "recipe": PRETRAIN_RECIPE},
    )
    with torch.no_grad():
        hidden = model(golden["input_ids"], golden["attention_mask"], golden["token_type_ids"])
        np.savez(
            os.path.join(out_dir, "golden-pooled.npz"),
            cls=hidden[:, 0].numpy().astype(np.float32),
            mean=mean_pool(hidden, golden["attention_mask"]).numpy().astype(np.float32),
        )
    write_bert_json(out_dir, meta, data_dir, "encoder", None, None, None, config.max_position_embeddings, config.hidden_size)
    print(f"encoder: exported to {out_dir}", flush=True)


# -------------------------------------------------------------------------------------------------------- fine-tuning


def is_iob(labels):
    return all(l == "O" or (len(l) > 2 and l[:2] in ("B-", "I-")) for l in labels) and any(l != "O" for l in labels)


def crop(arrs, idx):
    L = int(arrs["attention_mask"][idx].sum(1).max())
    return {k: torch.from_numpy(np.ascontiguousarray(v[idx, :L] if v.ndim == 2 else v[idx])) for k, v in arrs.items()}


def split_arrays(d, split):
    return {
        "input_ids": d[f"{split}_input_ids"].astype(np.int64),
        "attention_mask": d[f"{split}_attention_mask"].astype(np.int64),
        "token_type_ids": d[f"{split}_token_type_ids"].astype(np.int64),
        "labels": d[f"{split}_labels"].astype(np.int64),
    }


def evaluate(model, arrs, kind, labels):
    model.eval()
    tagging = kind == "token"
    ignore = -100 if tagging else -1
    lengths = arrs["attention_mask"].sum(1)
    total_loss = count = 0.0
    scores = None if tagging else np.zeros((len(lengths), len(labels)), dtype=np.float32)
    gold_seqs, pred_seqs, tok_correct, tok_total = [], [], 0, 0
    with torch.no_grad():
        for idx in sorted_batches(lengths, BATCH):
            b = crop(arrs, idx)
            logits = model(b["input_ids"], b["attention_mask"], b["token_type_ids"])
            y = b["labels"]
            flat = logits.reshape(-1, logits.shape[-1])
            if int((y != ignore).sum()):
                total_loss += nn.functional.cross_entropy(flat, y.reshape(-1), ignore_index=ignore, reduction="sum").item()
                count += int((y != ignore).sum())
            if tagging:
                pred = logits.argmax(-1).numpy()
                gold = y.numpy()
                for r in range(len(idx)):
                    keep = gold[r] != -100
                    g, p = gold[r][keep], pred[r][keep]
                    tok_correct += int((g == p).sum())
                    tok_total += int(keep.sum())
                    gold_seqs.append([labels[j] for j in g])
                    pred_seqs.append([labels[j] for j in p])
            else:
                scores[idx] = logits.numpy()
    loss = total_loss / count if count else float("nan")
    if tagging:
        out = {"tokenAccuracy": tok_correct / max(tok_total, 1)}
        if is_iob(labels):
            p, r, f = entity_prf(gold_seqs, pred_seqs)
            out.update({"entityPrecision": p, "entityRecall": r, "entityF1": f})
        return loss, out
    gold = arrs["labels"]
    order = np.argsort(-scores, axis=1, kind="stable")
    out = {"accuracy": float(np.mean(order[:, 0] == gold))}  # -1 never matches: counts as wrong
    if len(labels) > 3:
        out["hit3"] = float(np.mean([gold[i] in order[i, :3] for i in range(len(gold))]))
    out["labelledRows"] = int((gold >= 0).sum())
    return loss, out


def primary_metric(kind, metrics):
    if kind == "token":
        return metrics.get("entityF1", metrics["tokenAccuracy"])
    return metrics["accuracy"]


def finetune(data_dir, out_root, meta, config, mlm_state, pretrain_stats, task):
    path = os.path.join(data_dir, f"{task}.npz")
    if task not in meta["tasks"] or not os.path.exists(path):
        print(f"skip {task}: not in bert-data.json or {path} not found", flush=True)
        return
    info = meta["tasks"][task]
    kind, labels = info["kind"], list(info["labels"])
    d = np.load(path)
    train, dev = split_arrays(d, "train"), split_arrays(d, "dev")
    torch.manual_seed(SEED)
    rng = np.random.default_rng(SEED)
    model = BertForRuMed(config, kind, POOLING if kind != "token" else None, len(labels))
    load_encoder(model, mlm_state)
    tagging = kind == "token"
    ignore = -100 if tagging else -1
    lengths = train["attention_mask"].sum(1)
    steps = int(math.ceil(len(lengths) / BATCH)) * EPOCHS
    opt = adamw(model, LR, FINETUNE_RECIPE["weightDecay"])
    sched = linear_schedule(opt, max(1, steps), FINETUNE_RECIPE["warmup"])
    best, best_state, best_epoch, history = -1.0, None, 0, []
    t0 = time.time()
    print(f"{task}: {kind}, {len(labels)} labels, {len(lengths)} train / {len(dev['labels'])} dev rows, {EPOCHS} epochs", flush=True)
    for epoch in range(EPOCHS):
        model.train()
        total_loss = count = 0
        for idx in bucketed_batches(lengths, BATCH, rng):
            b = crop(train, idx)
            y = b["labels"].reshape(-1)
            n = int((y != ignore).sum())
            if n == 0:
                continue
            logits = model(b["input_ids"], b["attention_mask"], b["token_type_ids"])
            loss = nn.functional.cross_entropy(logits.reshape(-1, logits.shape[-1]), y, ignore_index=ignore, reduction="sum")
            opt.zero_grad()
            (loss / n).backward()
            nn.utils.clip_grad_norm_(model.parameters(), FINETUNE_RECIPE["clipNorm"])
            opt.step()
            sched.step()
            total_loss += loss.item()
            count += n
        dev_loss, metrics = evaluate(model, dev, kind, labels)
        row = {"epoch": epoch + 1, "trainLoss": round(total_loss / max(count, 1), 4), "devLoss": round(dev_loss, 4),
               **{k: (round(v, 4) if isinstance(v, float) else v) for k, v in metrics.items()}, "seconds": round(time.time() - t0, 1)}
        history.append(row)
        print(f"{task} epoch {epoch + 1}: train {row['trainLoss']:.4f} dev {dev_loss:.4f} "
              f"{ {k: v for k, v in row.items() if k not in ('epoch', 'trainLoss', 'devLoss', 'seconds')} } ({time.time() - t0:.0f}s)", flush=True)
        score = primary_metric(kind, metrics)
        if score > best:
            best, best_epoch = score, epoch + 1
            best_state = {k: v.detach().clone() for k, v in model.state_dict().items()}
    train_seconds = round(time.time() - t0, 1)
    if best_state is not None:
        model.load_state_dict(best_state)
    model.eval()
    dev_loss, dev_metrics = evaluate(model, dev, kind, labels)

    dev_len = dev["attention_mask"].sum(1)
    rows = pick_golden_rows(dev_len, range(len(dev_len)))
    golden = crop({k: dev[k] for k in ("input_ids", "attention_mask", "token_type_ids")}, np.array(rows))
    L = golden["input_ids"].shape[1]
    example = {k: v[:2, : max(2, L - 1)].clone() for k, v in golden.items()}
    out_dir = os.path.join(out_root, f"bert-{task.lower()}")
    max_length = int(meta["pairMaxLength"] if kind == "pair" else meta["maxLength"])
    dyn = {k: {0: "batch", 1: "length"} for k in ("input_ids", "attention_mask", "token_type_ids")}
    dyn["logits"] = {0: "batch", 1: "length"} if tagging else {0: "batch"}
    what = "per-token tag logits over bert.json labels (read on each word's first piece)" if tagging else \
        f"class logits over bert.json labels from the {POOLING}-pooled encoder output"
    export_model(
        model,
        example,
        ["logits"],
        out_dir,
        name=f"rumedbench-bert-{task.lower()}",
        version="1.0.0",
        description=f"Small BERT ({config.num_hidden_layers} layers, hidden {config.hidden_size}) pretrained with MLM on the "
        f"RuMedBench training texts and fine-tuned on {task} ({kind}): {what}",
        training_data=f"RuMedBench v1 {task} train split ({len(lengths)} items) written by `rumedbench bert-data`; dev split "
        f"for model selection; encoder pretrained on the training splits' texts ({pretrain_stats['rows']} texts)",
        dynamic_axes=dyn,
        metrics={
            "dev": {k: (round(v, 4) if isinstance(v, float) else v) for k, v in dev_metrics.items()},
            "devLoss": round(dev_loss, 4),
            "bestEpoch": best_epoch,
            "epochs": len(history),
            "history": history,
            "trainSeconds": train_seconds,
            "pretrain": {k: v for k, v in pretrain_stats.items() if k != "history"},
        },
        golden_inputs=golden,
        atol=1e-4,
        script="training/rumedbench/train_bert.py",
        extra_provenance={"seed": SEED, "config": config.to_dict(), "recipe": FINETUNE_RECIPE, "pretrainRecipe": PRETRAIN_RECIPE},
    )
    write_bert_json(out_dir, meta, data_dir, kind, POOLING if kind != "token" else None, task, labels, max_length, config.hidden_size)
    print(f"{task}: exported to {out_dir}; dev {dev_metrics} (best epoch {best_epoch}, {train_seconds}s)", flush=True)


def main(argv):
    if len(argv) < 3:
        sys.exit(__doc__)
    if POOLING not in ("cls", "mean", "pooler"):
        sys.exit(f"BERT_POOLING must be cls, mean or pooler, got {POOLING!r}")
    torch.set_num_threads(int(os.environ.get("TORCH_THREADS", max(1, os.cpu_count() or 1))))
    data_dir, out_root = argv[1], argv[2]
    with open(os.path.join(data_dir, "bert-data.json"), encoding="utf-8") as f:
        meta = json.load(f)
    config = model_config(meta)
    with open(os.path.join(data_dir, "vocab.txt"), encoding="utf-8") as f:
        n_vocab = sum(1 for _ in f)
    if n_vocab != config.vocab_size:
        sys.exit(f"vocab.txt has {n_vocab} lines but bert-data.json says vocabSize {config.vocab_size}")
    mlm_state, stats, ids, lengths, held = pretrain(data_dir, meta, config)
    export_encoder(out_root, data_dir, meta, config, mlm_state, stats, ids, lengths, held)
    for task in argv[3:] or list(meta["tasks"]):
        finetune(data_dir, out_root, meta, config, mlm_state, stats, task)


if __name__ == "__main__":
    main(sys.argv)
