"""Converts a Hugging Face BERT checkpoint directory to the ONNX layout that the rumedbench BERT models use, without
the `transformers` package.

    /usr/bin/python3 training/rumedbench/export_hf_bert.py CHECKPOINT_DIR OUT_DIR --head encoder|single|pair|token \
        [--pooling cls|mean|pooler] [--labels labels.txt | --labels-from-config] [--task RuMedTop3] \
        [--max-length 512] [--name NAME] [--weights FILE]

CHECKPOINT_DIR holds config.json, the weights (`model.safetensors` or `pytorch_model.bin`, or a sharded
`*.index.json` of either; `--weights` picks a file, otherwise safetensors wins), vocab.txt, and optionally
tokenizer_config.json and tokenizer.json. The network is built from `bert_model.py` and the weights loaded by name:
a leading `bert.` is stripped from encoder keys, old `LayerNorm.gamma/beta` names are accepted, and `cls.*` (MLM/NSP
heads), `position_ids` buffers, and the pooler / classifier where the chosen head has none are ignored (listed in
the log). Any other missing or unexpected key is an error that lists them.

Heads: `encoder` -> `last_hidden_state` [batch, length, hidden] (also writes golden-pooled.npz with its cls and mean
vectors); `single` / `pair` -> `logits` [batch, C] from the pooled vector (default pooling `pooler`, which is what HF
BertForSequenceClassification uses; the checkpoint must hold `classifier.*`); `token` -> `logits` [batch, length, C]
(HF BertForTokenClassification). Labels for task heads come from a file (one per line, in class-index order) or from
config.json `id2label` (`--labels-from-config`); their number must equal the classifier's rows.

Golden inputs are NOT tokenized text: they are seeded random ids (numpy seed 101) drawn from the vocabulary's
non-special tokens, framed as `[CLS] ... [SEP]` (pair heads: `[CLS] a [SEP] b [SEP]` with token type 1 on the second
segment), 3 rows of different lengths right-padded with [PAD] and attention_mask 0 -- enough to pin the numerics and
the masking. The trace uses another shape than the golden batch, so the golden test also exercises the dynamic axes.

Writes OUT_DIR/model.onnx, model.json, golden-inputs.npz, golden-outputs.npz, vocab.txt, (tokenizer.json,) bert.json
({head, pooling, task, labels, maxLength, doLowerCase, stripAccents, vocab, hidden[, tokenizer]}). doLowerCase comes
from tokenizer_config.json `do_lower_case` (default false), stripAccents from `strip_accents` (null/absent: follows
doLowerCase, as HF BertTokenizer). Golden tolerance atol 1e-4.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import sys

import numpy as np
import torch

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
sys.path.insert(0, os.path.dirname(__file__))
from common.export import export_model, sha256_file  # noqa: E402
from bert_model import BertConfig, BertForRuMed, mean_pool  # noqa: E402

SEED = 101

# ------------------------------------------------------------------------------------------------- safetensors reader

_ST_DTYPES = {
    "F64": np.dtype("<f8"),
    "F32": np.dtype("<f4"),
    "F16": np.dtype("<f2"),
    "BF16": np.dtype("<u2"),  # widened to float32 below
    "I64": np.dtype("<i8"),
    "I32": np.dtype("<i4"),
    "I16": np.dtype("<i2"),
    "I8": np.dtype("i1"),
    "U8": np.dtype("u1"),
    "BOOL": np.dtype("?"),
}


def read_safetensors(path: str) -> dict:
    """Reads a .safetensors file with numpy: an 8-byte little-endian header length, a JSON header mapping each name to
    {dtype, shape, data_offsets: [begin, end]} (offsets relative to the end of the header), then raw little-endian
    data. BF16 is widened to float32 (bits << 16), F16 to float32; returns name -> torch tensor."""
    size = os.path.getsize(path)
    with open(path, "rb") as f:
        head = f.read(8)
        if len(head) != 8:
            raise ValueError(f"{path}: too short for a safetensors file")
        n = int.from_bytes(head, "little")
        if n <= 0 or 8 + n > size:
            raise ValueError(f"{path}: bad safetensors header length {n}")
        header = json.loads(f.read(n).decode("utf-8"))
    data = np.memmap(path, dtype=np.uint8, mode="r", offset=8 + n) if size > 8 + n else np.zeros(0, np.uint8)
    out = {}
    for name, spec in header.items():
        if name == "__metadata__":
            continue
        dtype = spec["dtype"]
        if dtype not in _ST_DTYPES:
            raise ValueError(f"{path}: tensor {name!r} has unsupported dtype {dtype}")
        shape = [int(s) for s in spec["shape"]]
        begin, end = (int(o) for o in spec["data_offsets"])
        npd = _ST_DTYPES[dtype]
        count = int(np.prod(shape)) if shape else 1
        if not 0 <= begin <= end <= len(data) or end - begin != count * npd.itemsize:
            raise ValueError(f"{path}: tensor {name!r} offsets {begin}..{end} do not fit {dtype}{shape} / file size")
        arr = np.frombuffer(data[begin:end].tobytes(), dtype=npd).reshape(shape)
        if dtype == "BF16":
            arr = (arr.astype(np.uint32) << 16).view(np.float32)
        elif dtype == "F16":
            arr = arr.astype(np.float32)
        out[name] = torch.from_numpy(arr.copy())  # writable, contiguous, detached from the memmap
    return out


def read_torch_bin(path: str) -> dict:
    try:
        sd = torch.load(path, map_location="cpu", weights_only=True)
    except TypeError:  # torch < 1.13 has no weights_only
        sd = torch.load(path, map_location="cpu")
    if not isinstance(sd, dict):
        raise ValueError(f"{path}: expected a state dict, got {type(sd).__name__}")
    if "state_dict" in sd and isinstance(sd["state_dict"], dict):
        sd = sd["state_dict"]
    return dict(sd)


def read_weights(path: str) -> dict:
    if path.endswith(".index.json"):
        with open(path, encoding="utf-8") as f:
            files = sorted(set(json.load(f)["weight_map"].values()))
        out = {}
        for name in files:
            out.update(read_weights(os.path.join(os.path.dirname(path), name)))
        return out
    if path.endswith(".safetensors"):
        return read_safetensors(path)
    return read_torch_bin(path)


def find_weights(ckpt: str, weights: str | None) -> str:
    if weights:
        path = weights if os.path.isabs(weights) or os.path.exists(weights) else os.path.join(ckpt, weights)
        if not os.path.exists(path):
            raise FileNotFoundError(f"weights file {weights} not found")
        return path
    for name in ("model.safetensors", "model.safetensors.index.json", "pytorch_model.bin", "pytorch_model.bin.index.json"):
        if os.path.exists(os.path.join(ckpt, name)):
            return os.path.join(ckpt, name)
    raise FileNotFoundError(f"{ckpt}: no model.safetensors or pytorch_model.bin (or sharded index)")


# ------------------------------------------------------------------------------------------------------ key mapping


def map_state_dict(sd: dict, model: BertForRuMed) -> tuple[dict, list]:
    """HF checkpoint keys -> our module's keys. Returns (state dict for load_state_dict, ignored keys).
    Raises with the lists of missing and unexpected keys when the checkpoint does not fit."""
    expected = set(model.state_dict().keys())
    has_pooler = any(k.startswith("bert.pooler.") for k in expected)
    has_classifier = any(k.startswith("classifier.") for k in expected)
    mapped, ignored = {}, []
    for key, value in sd.items():
        k = key
        if k.endswith("LayerNorm.gamma"):
            k = k[: -len("gamma")] + "weight"
        elif k.endswith("LayerNorm.beta"):
            k = k[: -len("beta")] + "bias"
        if k.startswith("cls.") or k.endswith("position_ids"):
            ignored.append(key)
            continue
        if k.startswith("classifier."):
            if not has_classifier:
                ignored.append(key)
                continue
            mapped[k] = value
            continue
        if k.startswith("bert."):
            k = k[len("bert."):]
        if k.startswith("pooler.") and not has_pooler:
            ignored.append(key)
            continue
        mapped["bert." + k] = value
    missing = sorted(expected - set(mapped))
    unexpected = sorted(set(mapped) - expected)
    if missing or unexpected:
        lines = ["the checkpoint does not fit the BERT built from config.json:"]
        if missing:
            lines.append(f"  missing ({len(missing)}): " + ", ".join(missing))
            if any(m.startswith("classifier.") for m in missing):
                lines.append("  (a task head needs a fine-tuned checkpoint with classifier.*; use --head encoder for a bare encoder)")
        if unexpected:
            lines.append(f"  unexpected ({len(unexpected)}): " + ", ".join(unexpected))
        raise ValueError("\n".join(lines))
    shapes = model.state_dict()
    bad = [f"{k}: checkpoint {tuple(v.shape)} vs model {tuple(shapes[k].shape)}" for k, v in mapped.items() if tuple(v.shape) != tuple(shapes[k].shape)]
    if bad:
        raise ValueError("shape mismatch:\n  " + "\n  ".join(bad))
    return {k: v.to(torch.float32) if v.is_floating_point() else v for k, v in mapped.items()}, ignored


# -------------------------------------------------------------------------------------------------------- utilities


def read_vocab(path: str) -> list:
    with open(path, encoding="utf-8") as f:
        return [line.rstrip("\n").rstrip("\r") for line in f]


def special_ids(vocab: list) -> dict:
    index = {t: i for i, t in enumerate(vocab)}
    out = {}
    for name, tok in (("pad", "[PAD]"), ("unk", "[UNK]"), ("cls", "[CLS]"), ("sep", "[SEP]"), ("mask", "[MASK]")):
        if tok not in index:
            raise ValueError(f"vocab.txt has no {tok}")
        out[name] = index[tok]
    return out


def golden_batch(vocab_size: int, special: dict, head: str, lengths=(12, 9, 6), seed=SEED) -> dict:
    """Seeded random ids framed as [CLS] ... [SEP] (pairs: two segments), right-padded to the longest row."""
    rng = np.random.default_rng(seed)
    specials = set(special.values())
    normal = np.array([i for i in range(vocab_size) if i not in specials], dtype=np.int64)
    L = max(lengths)
    ids = np.full((len(lengths), L), special["pad"], dtype=np.int64)
    types = np.zeros_like(ids)
    mask = np.zeros_like(ids)
    for r, n in enumerate(lengths):
        body = rng.choice(normal, size=n - (3 if head == "pair" else 2))
        if head == "pair":
            a = max(1, len(body) // 2)
            row = [special["cls"], *body[:a], special["sep"], *body[a:], special["sep"]]
            types[r, a + 2 : n] = 1
        else:
            row = [special["cls"], *body, special["sep"]]
        ids[r, :n] = row
        mask[r, :n] = 1
    return {"input_ids": torch.from_numpy(ids), "attention_mask": torch.from_numpy(mask), "token_type_ids": torch.from_numpy(types)}


def read_labels(args, config_json: dict, n_classes: int):
    if args.labels and args.labels_from_config:
        raise SystemExit("give --labels or --labels-from-config, not both")
    if args.labels:
        labels = [l for l in read_vocab(args.labels) if l != ""]
    elif args.labels_from_config:
        id2label = config_json.get("id2label")
        if not id2label:
            raise SystemExit("config.json has no id2label")
        labels = [id2label[k] for k in sorted(id2label, key=lambda k: int(k))]
        if [int(k) for k in sorted(id2label, key=lambda k: int(k))] != list(range(len(labels))):
            raise SystemExit("config.json id2label keys are not 0..n-1")
    else:
        raise SystemExit(f"head {args.head!r} needs --labels FILE or --labels-from-config")
    if len(labels) != n_classes:
        raise SystemExit(f"{len(labels)} labels but the checkpoint's classifier has {n_classes} outputs")
    return labels


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("checkpoint_dir")
    ap.add_argument("out_dir")
    ap.add_argument("--head", required=True, choices=["encoder", "single", "pair", "token"])
    ap.add_argument("--pooling", choices=["cls", "mean", "pooler"], default=None)
    ap.add_argument("--labels", default=None, help="labels file, one per line in class-index order")
    ap.add_argument("--labels-from-config", action="store_true", help="labels from config.json id2label")
    ap.add_argument("--task", default=None)
    ap.add_argument("--max-length", type=int, default=None, help="default: min(512, max_position_embeddings)")
    ap.add_argument("--name", default=None)
    ap.add_argument("--weights", default=None, help="weights file inside the checkpoint (default: safetensors, else .bin)")
    args = ap.parse_args(argv)
    torch.set_num_threads(int(os.environ.get("TORCH_THREADS", max(1, os.cpu_count() or 1))))
    torch.manual_seed(SEED)

    ckpt = args.checkpoint_dir
    with open(os.path.join(ckpt, "config.json"), encoding="utf-8") as f:
        config_json = json.load(f)
    config = BertConfig.from_hf_json(config_json)
    vocab = read_vocab(os.path.join(ckpt, "vocab.txt"))
    if len(vocab) > config.vocab_size:
        raise SystemExit(f"vocab.txt has {len(vocab)} tokens but config vocab_size is {config.vocab_size}")
    special = special_ids(vocab)
    weights_path = find_weights(ckpt, args.weights)
    sd = read_weights(weights_path)

    head = args.head
    pooling = args.pooling if head in ("single", "pair") else None
    if head in ("single", "pair") and pooling is None:
        pooling = "pooler"
    if head not in ("single", "pair") and args.pooling:
        print(f"note: --pooling is ignored for head {head}")
    labels = None
    n_classes = 0
    if head != "encoder":
        w = sd.get("classifier.weight")
        if w is None:
            raise SystemExit("the checkpoint has no classifier.weight: a task head needs a fine-tuned checkpoint (use --head encoder)")
        n_classes = int(w.shape[0])
        labels = read_labels(args, config_json, n_classes)
    model = BertForRuMed(config, head, pooling, n_classes)
    try:
        state, ignored = map_state_dict(sd, model)
    except ValueError as e:
        raise SystemExit(f"{weights_path}: {e}")
    model.load_state_dict(state, strict=True)
    model.eval()
    if ignored:
        print(f"ignored {len(ignored)} checkpoint keys: {', '.join(ignored)}")

    max_length = args.max_length or min(512, config.max_position_embeddings)
    if max_length > config.max_position_embeddings:
        raise SystemExit(f"--max-length {max_length} exceeds max_position_embeddings {config.max_position_embeddings}")
    tok_cfg = {}
    if os.path.exists(os.path.join(ckpt, "tokenizer_config.json")):
        with open(os.path.join(ckpt, "tokenizer_config.json"), encoding="utf-8") as f:
            tok_cfg = json.load(f)
    do_lower = bool(tok_cfg.get("do_lower_case", False))
    strip_accents = tok_cfg.get("strip_accents")
    strip_accents = do_lower if strip_accents is None else bool(strip_accents)

    golden = golden_batch(len(vocab), special, head)
    example = {k: v[:2, :7].clone() for k, v in golden.items()}  # another shape for the trace
    out_name = "last_hidden_state" if head == "encoder" else "logits"
    dyn = {k: {0: "batch", 1: "length"} for k in ("input_ids", "attention_mask", "token_type_ids")}
    dyn[out_name] = {0: "batch"} if head in ("single", "pair") else {0: "batch", 1: "length"}
    base = os.path.basename(os.path.normpath(ckpt))
    name = args.name or f"hf-bert-{base.lower()}-{(args.task or head).lower()}"
    what = {
        "encoder": "last hidden states",
        "single": f"class logits from the {pooling}-pooled encoder output",
        "pair": f"class logits for text pairs from the {pooling}-pooled encoder output",
        "token": "per-token tag logits",
    }[head]
    os.makedirs(args.out_dir, exist_ok=True)
    export_model(
        model,
        example,
        [out_name],
        args.out_dir,
        name=name,
        version="1.0.0",
        description=f"Hugging Face BERT checkpoint {base} ({config.num_hidden_layers} layers, hidden {config.hidden_size}) "
        f"converted by export_hf_bert.py: {what}",
        training_data=f"pretrained/fine-tuned checkpoint {base} (architectures {config_json.get('architectures')}); "
        "its training data is as documented by its authors",
        dynamic_axes=dyn,
        metrics={},
        golden_inputs=golden,
        atol=1e-4,
        script="training/rumedbench/export_hf_bert.py",
        extra_provenance={
            "checkpoint": base,
            "weights": os.path.basename(weights_path),
            "weightsSha256": sha256_file(weights_path) if not weights_path.endswith(".index.json") else None,
            "config": config.to_dict(),
            "ignoredKeys": ignored,
            "goldenInputs": f"seeded random non-special ids (seed {SEED}), not tokenized text",
        },
    )
    if head == "encoder":
        with torch.no_grad():
            hidden = model(golden["input_ids"], golden["attention_mask"], golden["token_type_ids"])
        np.savez(
            os.path.join(args.out_dir, "golden-pooled.npz"),
            cls=hidden[:, 0].numpy().astype(np.float32),
            mean=mean_pool(hidden, golden["attention_mask"]).numpy().astype(np.float32),
        )
    shutil.copy(os.path.join(ckpt, "vocab.txt"), os.path.join(args.out_dir, "vocab.txt"))
    info = {
        "head": head,
        "pooling": pooling,
        "task": args.task,
        "labels": labels,
        "maxLength": int(max_length),
        "doLowerCase": do_lower,
        "stripAccents": strip_accents,
        "vocab": "vocab.txt",
        "hidden": int(config.hidden_size),
    }
    if os.path.exists(os.path.join(ckpt, "tokenizer.json")):
        shutil.copy(os.path.join(ckpt, "tokenizer.json"), os.path.join(args.out_dir, "tokenizer.json"))
        info["tokenizer"] = "tokenizer.json"
    with open(os.path.join(args.out_dir, "bert.json"), "w", encoding="utf-8") as f:
        json.dump(info, f, indent=2, ensure_ascii=False)
        f.write("\n")
    print(f"exported {name} ({head}{', ' + pooling if pooling else ''}) from {weights_path} to {args.out_dir}")


if __name__ == "__main__":
    main()
