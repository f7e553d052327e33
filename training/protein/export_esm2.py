"""Exports ESM-2 (training/protein/esm2.py) to ONNX for @lab/protein-tl's embedder, with manifest and golden files.

Random weights with a Hugging Face config (SYNTHETIC: for parity tests and fixtures; the embeddings mean nothing):

    /usr/bin/python3 training/protein/export_esm2.py --random --config ../shared/data/vocab/esm2_t6_8M_UR50D-config.json \
        --out training/protein/runs/esm2-8m-random [--seed 0] [--logits]
    # the tiny committed fixture of the TypeScript tests:
    /usr/bin/python3 training/protein/export_esm2.py --random --config ../shared/data/vocab/esm2_t6_8M_UR50D-config.json \
        --hidden 32 --layers 2 --heads 4 --intermediate 64 --logits --init-std 0.2 \
        --name esm2-tiny-random --out packages/protein-tl/src/embed/__fixtures__/esm2-tiny-random

A real Hugging Face checkpoint (facebook/esm2_*: EsmForMaskedLM or EsmModel), without `transformers`:

    /usr/bin/python3 training/protein/export_esm2.py --checkpoint CHECKPOINT_DIR --out OUT_DIR [--logits] \
        [--weights model.safetensors|pytorch_model.bin] [--name esm2_t6_8M_UR50D]

Our own masked-LM pretraining (training/protein/pretrain_mlm.py writes the same layout plus pretrain_log.json, whose
trainingData text and validation metrics go into model.json):

    /usr/bin/python3 training/protein/export_esm2.py --checkpoint training/protein/runs/esm2-lab-small \
        --out packages/protein-tl/models/esm2-lab-small --logits [--version 0.1.0]

`--training-data TEXT` and `--metrics JSON|@FILE` set (or, for metrics, add to) the manifest's provenance.trainingData
and metrics for any source.

CHECKPOINT_DIR holds config.json and `model.safetensors` or `pytorch_model.bin` (or a sharded `*.index.json`); a path
to a weights file works too (config.json is then looked up next to it, or given with --config). Safetensors are read
with numpy (training/rumedbench/export_hf_bert.py's reader), so the `safetensors` package is not needed; F16/BF16
weights are widened to float32. Keys are matched by name (esm2.py lists them); `position_ids`, unused absolute
position embeddings and a pooler are ignored and listed; any other missing/unexpected key stops with both lists.
vocab.txt is copied from the checkpoint when present (else the built-in ESM-2 alphabet is written).

Writes OUT_DIR/model.onnx (opset 17; inputs input_ids, attention_mask int64 [batch, length]; output
last_hidden_state float32 [batch, length, H], plus logits [batch, length, vocab] with --logits), model.json,
golden-inputs.npz / golden-outputs.npz (4 seeded random protein sequences of different lengths, <cls> ... <eos>,
right-padded with <pad>; one row holds two <mask> tokens so token dropout's rescaling is exercised), vocab.txt and
esm.json (the configuration). The trace uses another batch shape than the golden one, so the golden test also checks
the dynamic axes. Golden tolerance atol 1e-4. The graph has no scatter ops (onnxruntime's ScatterND reductions race on
more than one thread); the script checks that.
"""
from __future__ import annotations

import argparse
import json
import os
import sys

import numpy as np
import onnx
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, ".."))
sys.path.insert(0, HERE)
from common.export import export_model, sha256_file  # noqa: E402
from esm2 import EsmConfig, EsmExport, EsmForMaskedLM, hf_parameter_names, init_random, load_hf_state_dict  # noqa: E402

PRETRAIN_LOG = "pretrain_log.json"  # written next to the checkpoint by pretrain_mlm.py
ESM2_VOCAB = ["<cls>", "<pad>", "<eos>", "<unk>", "L", "A", "G", "V", "S", "E", "R", "T", "I", "D", "P", "K", "Q", "N",
              "F", "Y", "M", "H", "W", "C", "X", "B", "U", "Z", "O", ".", "-", "<null_1>", "<mask>"]
RESIDUES = "ACDEFGHIKLMNPQRSTVWY"
GOLDEN_SEED = 2024
GOLDEN_LENGTHS = (37, 12, 25, 18)  # residues per row; row 2 gets two <mask> tokens


def golden_batch(vocab: list, lengths=GOLDEN_LENGTHS, seed=GOLDEN_SEED, mask_row: int | None = 2) -> dict:
    rng = np.random.default_rng(seed)
    idx = {t: i for i, t in enumerate(vocab)}
    width = max(lengths) + 2
    ids = np.full((len(lengths), width), idx["<pad>"], dtype=np.int64)
    mask = np.zeros_like(ids)
    for r, n in enumerate(lengths):
        body = [idx[c] for c in rng.choice(list(RESIDUES), size=n)]
        if r == mask_row:
            for p in rng.choice(n, size=2, replace=False):
                body[p] = idx["<mask>"]
        ids[r, : n + 2] = [idx["<cls>"], *body, idx["<eos>"]]
        mask[r, : n + 2] = 1
    return {"input_ids": torch.from_numpy(ids), "attention_mask": torch.from_numpy(mask)}


def read_vocab(path: str) -> list:
    with open(path, encoding="utf-8") as f:
        lines = [l.strip() for l in f.read().splitlines()]
    while lines and lines[-1] == "":
        lines.pop()
    return lines


def check_no_scatter(path: str) -> None:
    bad = [n.op_type for n in onnx.load(path).graph.node if n.op_type.startswith("Scatter")]
    if bad:
        raise RuntimeError(f"{path}: the graph holds scatter ops {sorted(set(bad))}; they must not appear (races in onnxruntime)")


def load_checkpoint(args) -> tuple:
    from common.checkpoints import checkpoint_files

    sys.path.insert(0, os.path.join(HERE, "..", "rumedbench"))
    from export_hf_bert import read_weights  # numpy safetensors reader + torch .bin reader

    ckpt = args.checkpoint
    ckpt_dir = ckpt if os.path.isdir(ckpt) else os.path.dirname(ckpt)
    weights, raw = checkpoint_files(ckpt, args.weights, args.config)
    cfg = EsmConfig.from_dict(raw)
    model = EsmForMaskedLM(cfg)
    report = load_hf_state_dict(model, read_weights(weights))
    for k in report["ignored"]:
        print(f"ignored checkpoint key: {k}")
    for k in report["defaulted"]:
        print(f"not in the checkpoint (default/tied): {k}")
    if args.logits and any(k.startswith("lm_head.") and k != "lm_head.decoder.weight" for k in report["defaulted"]):
        raise SystemExit("--logits needs the lm_head.* weights, which this checkpoint (an EsmModel?) lacks; drop --logits")
    vocab_path = os.path.join(ckpt_dir, "vocab.txt")
    vocab = read_vocab(vocab_path) if os.path.exists(vocab_path) else ESM2_VOCAB
    provenance = {
        "trainingData": f"weights of the Hugging Face ESM checkpoint {raw.get('_name_or_path') or os.path.basename(os.path.normpath(ckpt_dir))} "
                        "(facebook/esm2_*: Meta AI's UniRef50 masked-LM pretraining, MIT licence), converted without fine-tuning",
        "extra": {"checkpoint": os.path.basename(weights), "checkpointSha256": sha256_file(weights)},
        "metrics": {},
    }
    log_path = os.path.join(ckpt_dir, PRETRAIN_LOG)
    if os.path.exists(log_path):  # a checkpoint of training/protein/pretrain_mlm.py: its own description and metrics
        with open(log_path, encoding="utf-8") as f:
            log = json.load(f)
        provenance["trainingData"] = log["trainingData"]
        provenance["metrics"] = dict(log.get("metrics", {}))
        provenance["extra"]["pretraining"] = {
            "script": "training/protein/pretrain_mlm.py", "corpus": log.get("corpus", {}), "validation": log.get("validation", {}),
            "args": {k: v for k, v in log.get("args", {}).items() if k not in ("out", "corpus")},
        }
        print(f"training data and metrics from {log_path}")
    return model, cfg, vocab, provenance, raw


def random_model(args) -> tuple:
    if not args.config:
        raise SystemExit("--random needs --config (a Hugging Face ESM config.json)")
    with open(args.config, encoding="utf-8") as f:
        raw = json.load(f)
    for key, val in (("hidden_size", args.hidden), ("num_hidden_layers", args.layers),
                     ("num_attention_heads", args.heads), ("intermediate_size", args.intermediate)):
        if val is not None:
            raw[key] = val
    cfg = EsmConfig.from_dict(raw)
    torch.manual_seed(args.seed)
    model = EsmForMaskedLM(cfg)
    init_random(model, args.seed, std=args.init_std)
    vocab = read_vocab(args.vocab) if args.vocab else ESM2_VOCAB
    shape = f"{cfg.num_hidden_layers} layers, hidden {cfg.hidden_size}, {cfg.num_attention_heads} heads, intermediate {cfg.intermediate_size}"
    provenance = {
        "trainingData": f"SYNTHETIC: random weights (seed {args.seed}, init std {args.init_std or cfg.initializer_range}), "
                        f"no training; ESM-2 architecture from {os.path.basename(args.config)} ({shape}). "
                        "For parity tests only: its embeddings carry no biological signal.",
        "extra": {"randomSeed": args.seed},
        "metrics": {},
    }
    return model, cfg, vocab, provenance, raw


def save_hf_checkpoint(model: EsmForMaskedLM, raw: dict, vocab: list, out: str, name_or_path: str = "SYNTHETIC-random-esm2",
                       synthetic: bool = True, quiet: bool = False) -> None:
    """Writes a Hugging Face-layout checkpoint: config.json (raw updated with the model's configuration,
    architectures EsmForMaskedLM, `_name_or_path`), pytorch_model.bin, model.safetensors (tied decoder left out, as
    Hugging Face saves it) and vocab.txt. Used by --save-checkpoint (SYNTHETIC random weights) and pretrain_mlm.py."""
    sys.path.insert(0, os.path.join(HERE, "..", "rumedbench"))
    from make_fake_hf_checkpoint import write_safetensors

    os.makedirs(out, exist_ok=True)
    sd = {k: v.detach().clone().contiguous() for k, v in model.state_dict().items()}
    torch.save(sd, os.path.join(out, "pytorch_model.bin"))
    write_safetensors(os.path.join(out, "model.safetensors"), {k: v for k, v in sd.items() if k != "lm_head.decoder.weight"},
                      {"format": "pt"})
    cfg = dict(raw)
    cfg.update(model.esm.config.to_dict())
    cfg["architectures"] = ["EsmForMaskedLM"]
    cfg["_name_or_path"] = name_or_path
    with open(os.path.join(out, "config.json"), "w", encoding="utf-8") as f:
        json.dump(cfg, f, indent=2)
    with open(os.path.join(out, "vocab.txt"), "w", encoding="utf-8") as f:
        f.write("\n".join(vocab) + "\n")
    if not quiet:
        print(f"wrote a Hugging Face-layout checkpoint{' (SYNTHETIC random weights)' if synthetic else ''} to {out}")


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    src = ap.add_mutually_exclusive_group(required=True)
    src.add_argument("--random", action="store_true", help="seeded random weights with --config's architecture")
    src.add_argument("--checkpoint", help="Hugging Face checkpoint directory or weights file")
    ap.add_argument("--config", help="Hugging Face ESM config.json")
    ap.add_argument("--weights", help="weights file inside the checkpoint directory (default: safetensors, else .bin)")
    ap.add_argument("--vocab", help="vocab.txt for --random (default: the ESM-2 alphabet)")
    ap.add_argument("--out", required=True)
    ap.add_argument("--name", default=None)
    ap.add_argument("--version", default="0.1.0")
    ap.add_argument("--logits", action="store_true", help="also export the masked-LM logits")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--init-std", type=float, default=None, help="std of random weights (default: initializer_range)")
    ap.add_argument("--hidden", type=int, default=None, help="override hidden_size (--random)")
    ap.add_argument("--layers", type=int, default=None, help="override num_hidden_layers (--random)")
    ap.add_argument("--heads", type=int, default=None, help="override num_attention_heads (--random)")
    ap.add_argument("--intermediate", type=int, default=None, help="override intermediate_size (--random)")
    ap.add_argument("--save-checkpoint", default=None, metavar="DIR",
                    help="(--random) also write the weights as a Hugging Face checkpoint: config.json, pytorch_model.bin, "
                         "model.safetensors (tied decoder left out, as Hugging Face saves it), vocab.txt -- to test --checkpoint")
    ap.add_argument("--training-data", default=None, metavar="TEXT",
                    help="model.json provenance.trainingData (default: from the checkpoint's pretrain_log.json, else a "
                         "description of the facebook/esm2_* weights or of the random weights)")
    ap.add_argument("--metrics", default=None, metavar="JSON",
                    help="model.json metrics: a JSON object, or @FILE holding one (merged over pretrain_log.json's metrics)")
    ap.add_argument("--threads", type=int, default=int(os.environ.get("TORCH_THREADS", "1")))
    args = ap.parse_args(argv)
    torch.set_num_threads(args.threads)

    model, cfg, vocab, provenance, raw = load_checkpoint(args) if args.checkpoint else random_model(args)
    if args.training_data is not None:
        if args.random and not args.training_data.startswith("SYNTHETIC"):
            raise SystemExit("--training-data for --random weights must start with SYNTHETIC")
        provenance["trainingData"] = args.training_data
    if args.metrics is not None:
        text = args.metrics
        if text.startswith("@"):
            with open(text[1:], encoding="utf-8") as f:
                text = f.read()
        extra_metrics = json.loads(text)
        if not isinstance(extra_metrics, dict):
            raise SystemExit("--metrics must be a JSON object")
        provenance["metrics"].update(extra_metrics)
    if len(vocab) != cfg.vocab_size:
        raise SystemExit(f"vocab has {len(vocab)} tokens but the config says vocab_size {cfg.vocab_size}")
    names = sorted(model.state_dict().keys())
    expected = sorted(hf_parameter_names(cfg))
    if names != expected:
        raise SystemExit(f"internal: parameter names differ from Hugging Face's: {sorted(set(names) ^ set(expected))}")
    model.eval()
    if args.save_checkpoint:
        if not args.random:
            raise SystemExit("--save-checkpoint goes with --random")
        save_hf_checkpoint(model, raw, vocab, args.save_checkpoint)
    net = EsmExport(model, args.logits).eval()

    name = args.name or (f"{raw.get('_name_or_path', 'esm2').split('/')[-1]}" + ("-random" if args.random else ""))
    outputs = ["last_hidden_state"] + (["logits"] if args.logits else [])
    dyn = {"input_ids": {0: "batch", 1: "length"}, "attention_mask": {0: "batch", 1: "length"},
           "last_hidden_state": {0: "batch", 1: "length"}, "logits": {0: "batch", 1: "length"}}
    example = golden_batch(vocab, lengths=(7, 4), seed=7, mask_row=None)
    golden = golden_batch(vocab)
    os.makedirs(args.out, exist_ok=True)
    dropout_note = "token-dropout rescaling" if cfg.token_dropout else "no token-dropout rescaling (token_dropout false)"
    desc = (f"ESM-2 encoder (Hugging Face EsmModel semantics: {dropout_note}, rotary attention, pre-LN, final "
            f"LayerNorm): {cfg.num_hidden_layers} layers, hidden {cfg.hidden_size}, {cfg.num_attention_heads} heads. "
            "Inputs: ESM-2 token ids (<cls> residues <eos>, <pad> after) and the attention mask.")
    if args.random:
        desc = "SYNTHETIC random weights. " + desc
    manifest = export_model(
        net, example, outputs, args.out, name=name, version=args.version,
        training_data=provenance["trainingData"], dynamic_axes={k: v for k, v in dyn.items() if k in ["input_ids", "attention_mask", *outputs]},
        golden_inputs=golden, atol=1e-4, rtol=0.0, opset=17, description=desc, script="training/protein/export_esm2.py",
        metrics=provenance["metrics"], extra_provenance={**provenance["extra"], "hiddenSize": cfg.hidden_size, "numLayers": cfg.num_hidden_layers,
                                      "numHeads": cfg.num_attention_heads, "synthetic": bool(args.random)},
    )
    check_no_scatter(os.path.join(args.out, manifest["file"]))
    with open(os.path.join(args.out, "vocab.txt"), "w", encoding="utf-8") as f:
        f.write("\n".join(vocab) + "\n")
    with open(os.path.join(args.out, "esm.json"), "w", encoding="utf-8") as f:
        json.dump({"architecture": "esm2", "config": cfg.to_dict(), "maxResidues": 1022,
                   "outputs": outputs, "synthetic": bool(args.random)}, f, indent=2)
        f.write("\n")
    size = os.path.getsize(os.path.join(args.out, manifest["file"]))
    print(f"wrote {args.out}: {manifest['file']} ({size / 1e6:.2f} MB, sha256 {manifest['sha256'][:12]}), outputs {outputs}")


if __name__ == "__main__":
    main()
