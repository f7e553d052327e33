"""Exports the ProtT5 encoder (training/protein/prot_t5.py) to ONNX for @lab/protein-tl's ProtT5 embedder, with
manifest and golden files.

Random weights (SYNTHETIC: for parity tests and fixtures; the embeddings mean nothing):

    /usr/bin/python3 training/protein/export_prot_t5.py --random --config default-tiny --out DIR [--seed 0] \
        [--hidden 32 --layers 2 --heads 4 --d-kv 8 --d-ff 64 --ff-proj relu] [--tokenizer tokenizer.json]
    # the tiny committed fixture of the TypeScript tests:
    /usr/bin/python3 training/protein/export_prot_t5.py --random --config default-tiny --seed 0 \
        --tokenizer packages/protein-tl/src/tokenize/__fixtures__/prott5-synthetic-tokenizer.json \
        --name prott5-tiny-random --out packages/protein-tl/src/embed/__fixtures__/prott5-tiny-random

`--config` takes `default-tiny` (prot_t5.py's TINY_CONFIG: ProtT5-XL-U50's vocabulary and buckets, d_model 32, 2
layers), `prot_t5_xl_uniref50` (the real configuration, PROT_T5_XL_UNIREF50_CONFIG) or a Hugging Face T5 config.json.

A real Hugging Face checkpoint (Rostlab/prot_t5_xl_uniref50: T5ForConditionalGeneration; or an encoder-only
T5EncoderModel checkpoint such as Rostlab/prot_t5_xl_half_uniref50-enc), without `transformers`:

    /usr/bin/python3 training/protein/export_prot_t5.py --checkpoint CHECKPOINT_DIR --out OUT_DIR \
        [--weights model.safetensors|pytorch_model.bin] [--tokenizer tokenizer.json] [--name prot_t5_xl_uniref50]

CHECKPOINT_DIR holds config.json and `model.safetensors` or `pytorch_model.bin` (or a sharded `*.index.json`); a path
to a weights file works too (config.json is then looked up next to it, or given with --config). Safetensors are read
with numpy (training/rumedbench/export_hf_bert.py's reader), so the `safetensors` package is not needed; F16/BF16
weights are widened to float32. Keys are matched by name (prot_t5.py lists them): decoder.* and lm_head.* are ignored
(shards holding only those are not read), encoder.embed_tokens.weight stands in for a missing shared.weight; any other
missing or unexpected key stops with both lists. tokenizer.json is copied from the checkpoint when present (or from
--tokenizer); Rostlab's repositories may ship only spiece.model -- then write a tokenizer.json once with a machine that
has `transformers` (T5TokenizerFast.from_pretrained(DIR).save_pretrained(DIR)) and pass it with --tokenizer, or put it
next to model.json later. Without one the export still runs, but @lab/protein-tl asks for it when loading.

Writes OUT_DIR/model.onnx (opset 17; inputs input_ids, attention_mask int64 [batch, length]; output last_hidden_state
float32 [batch, length, d_model]), model.json, golden-inputs.npz / golden-outputs.npz (4 seeded random protein
sequences of different lengths tokenised as ProtT5 does: one id per residue, then </s> (1), right-padded with <pad>
(0); the residue ids come from the tokenizer.json when there is one, else from the synthetic fixture's layout), and
prot_t5.json (the configuration, the graphs, the special ids). The trace uses another batch shape than the golden one,
so the golden test also checks the dynamic axes. Golden tolerance atol 1e-4. The graph has no scatter ops (checked).

Large models: ONNX files are protobufs, limited to 2 GiB, and @lab/tensor-core loads a model from one file. When the
float32 weights exceed --max-graph-bytes (default 1.9e9; ProtT5-XL-U50's encoder has 4.8 GB), the encoder is split
into consecutive stages of whole blocks, each its own graph with manifest and golden files in OUT_DIR/stage-K/
(stage 0: input_ids, attention_mask -> hidden_states; the others: hidden_states, attention_mask -> hidden_states; the
last ends with the final norm and outputs last_hidden_state). Each stage holds a copy of block 0's tiny
relative-position table. The golden inputs of stage K are PyTorch's outputs of stage K-1 for the golden batch.
`--stages N` forces N stages (tests). Memory: the checkpoint is read whole (the full T5 of prot_t5_xl_uniref50 is
11 GB in float32, the encoder 4.8 GB), and one stage's graph is built at a time.
"""
from __future__ import annotations

import argparse
import json
import math
import os
import shutil
import sys

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, ".."))
sys.path.insert(0, HERE)
from common.export import export_model, sha256_file  # noqa: E402
from export_esm2 import check_no_scatter  # noqa: E402
from prot_t5 import (PROT_T5_XL_UNIREF50_CONFIG, TINY_CONFIG, IGNORED_PREFIXES, T5EncoderConfig, T5EncoderModel,  # noqa: E402
                     T5EncoderStage, bucket_table_matches_formula, hf_parameter_names, init_random, load_hf_state_dict)

RESIDUES = "ACDEFGHIKLMNPQRSTVWY"
# The residue ids of the SYNTHETIC tokenizer fixture (packages/protein-tl/src/tokenize/__fixtures__/
# prott5-synthetic-tokenizer.json): <pad> 0, </s> 1, <unk> 2, then one piece per residue in this order.
SYNTHETIC_ORDER = "LAGVSERTIDPKQNFYMHWCX"
PAD_ID, EOS_ID = 0, 1
GOLDEN_SEED = 2024
GOLDEN_LENGTHS = (140, 12, 25, 18)  # residues per row; the first reaches past max_distance (128) of the tiny and real configs
DEFAULT_MAX_GRAPH_BYTES = 1_900_000_000  # under protobuf's 2 GiB, with room for the graph itself
NAMED_CONFIGS = {"default-tiny": TINY_CONFIG, "prot_t5_xl_uniref50": PROT_T5_XL_UNIREF50_CONFIG}


def residue_ids_from_tokenizer(path: str) -> dict:
    """Residue -> id from a ProtT5 tokenizer.json: the Unigram piece "\u2581" + residue (the Metaspace form of a
    single letter), else the bare letter."""
    with open(path, encoding="utf-8") as f:
        tok = json.load(f)
    vocab = (tok.get("model") or {}).get("vocab")
    if not isinstance(vocab, list):
        raise SystemExit(f"{path}: no Unigram model.vocab list; is this a ProtT5 tokenizer.json?")
    ids = {}
    for i, entry in enumerate(vocab):
        piece = entry[0] if isinstance(entry, list) else entry
        ids.setdefault(piece, i)
    out = {}
    for r in RESIDUES:
        for piece in ("\u2581" + r, r):
            if piece in ids:
                out[r] = ids[piece]
                break
        else:
            raise SystemExit(f"{path}: no piece for residue {r}")
    added = {t.get("content"): t.get("id") for t in tok.get("added_tokens", [])}
    if added.get("<pad>") != PAD_ID or added.get("</s>") != EOS_ID:
        raise SystemExit(f"{path}: expected <pad> = {PAD_ID} and </s> = {EOS_ID} (ProtT5's layout), got {added}")
    return out


def synthetic_residue_ids() -> dict:
    return {r: 3 + SYNTHETIC_ORDER.index(r) for r in RESIDUES}


def golden_batch(residue_ids: dict, lengths=GOLDEN_LENGTHS, seed=GOLDEN_SEED) -> dict:
    """Seeded random proteins as ProtT5 tokenises them: residue ids, </s>, then <pad> to the longest row."""
    rng = np.random.default_rng(seed)
    width = max(lengths) + 1
    ids = np.full((len(lengths), width), PAD_ID, dtype=np.int64)
    mask = np.zeros_like(ids)
    for r, n in enumerate(lengths):
        body = [residue_ids[c] for c in rng.choice(list(RESIDUES), size=n)]
        ids[r, : n + 1] = [*body, EOS_ID]
        mask[r, : n + 1] = 1
    return {"input_ids": torch.from_numpy(ids), "attention_mask": torch.from_numpy(mask)}


def read_config(spec: str) -> dict:
    if spec in NAMED_CONFIGS:
        return dict(NAMED_CONFIGS[spec])
    if not os.path.exists(spec):
        raise SystemExit(f"--config {spec}: not a file; use default-tiny, prot_t5_xl_uniref50 or a T5 config.json")
    with open(spec, encoding="utf-8") as f:
        return json.load(f)


def read_encoder_weights(weights: str) -> dict:
    """The checkpoint's tensors through export_hf_bert.py's readers; shards of a sharded checkpoint that hold only
    decoder.*/lm_head.* tensors are skipped, and those tensors are dropped shard by shard to keep memory down."""
    sys.path.insert(0, os.path.join(HERE, "..", "rumedbench"))
    from export_hf_bert import read_weights

    if not weights.endswith(".index.json"):
        return read_weights(weights)
    with open(weights, encoding="utf-8") as f:
        weight_map = json.load(f)["weight_map"]
    needed = sorted({file for key, file in weight_map.items() if not key.startswith(IGNORED_PREFIXES)})
    out = {}
    for file in needed:
        part = read_weights(os.path.join(os.path.dirname(weights), file))
        out.update({k: v for k, v in part.items() if not k.startswith(IGNORED_PREFIXES)})
        del part
    dropped = sum(1 for k in weight_map if k.startswith(IGNORED_PREFIXES))
    if dropped:
        print(f"ignored {dropped} decoder/lm_head keys of {os.path.basename(weights)} (read {len(needed)} of "
              f"{len(set(weight_map.values()))} shards)")
    return out


def load_checkpoint(args) -> tuple:
    from common.checkpoints import checkpoint_files

    ckpt = args.checkpoint
    ckpt_dir = ckpt if os.path.isdir(ckpt) else os.path.dirname(ckpt)
    weights, raw = checkpoint_files(ckpt, args.weights, args.config)
    cfg = T5EncoderConfig.from_dict(raw)
    model = T5EncoderModel(cfg)
    try:
        report = load_hf_state_dict(model, read_encoder_weights(weights))
    except ValueError as e:
        raise SystemExit(f"{weights}: {e}")
    decoder = [k for k in report["ignored"] if k.startswith(IGNORED_PREFIXES)]
    if decoder:
        print(f"ignored {len(decoder)} decoder/lm_head keys (the encoder is what embeds)")
    for k in report["ignored"]:
        if not k.startswith(IGNORED_PREFIXES):
            print(f"ignored checkpoint key: {k}")
    for k in report["aliased"]:
        print(f"aliased: {k}")
    source = raw.get("_name_or_path") or os.path.basename(os.path.normpath(ckpt_dir))
    provenance = {
        "trainingData": f"weights of the Hugging Face T5 checkpoint {source} (the encoder only; for Rostlab/prot_t5_xl_uniref50: "
                        "ProtTrans' ProtT5-XL-U50, masked-language-model pretraining on BFD and fine-tuning on UniRef50), "
                        "converted without fine-tuning",
        "extra": {"checkpoint": os.path.basename(weights), "checkpointSha256": sha256_file(weights)},
    }
    tokenizer = args.tokenizer or (os.path.join(ckpt_dir, "tokenizer.json") if os.path.exists(os.path.join(ckpt_dir, "tokenizer.json")) else None)
    return model, cfg, provenance, raw, tokenizer, source


def random_model(args) -> tuple:
    if not args.config:
        raise SystemExit("--random needs --config (default-tiny, prot_t5_xl_uniref50, or a T5 config.json)")
    raw = read_config(args.config)
    for key, val in (("d_model", args.hidden), ("num_layers", args.layers), ("num_heads", args.heads), ("d_kv", args.d_kv),
                     ("d_ff", args.d_ff), ("feed_forward_proj", args.ff_proj)):
        if val is not None:
            raw[key] = val
    try:
        cfg = T5EncoderConfig.from_dict(raw)
    except ValueError as e:
        raise SystemExit(f"--config {args.config}: {e}")
    model = T5EncoderModel(cfg)
    init_random(model, args.seed, factor=args.init_factor)
    shape = (f"{cfg.num_layers} layers, d_model {cfg.d_model}, {cfg.num_heads} heads of {cfg.d_kv}, d_ff {cfg.d_ff}, "
             f"feed-forward {cfg.feed_forward_proj}")
    label = args.config if args.config in NAMED_CONFIGS else os.path.basename(args.config)
    provenance = {
        "trainingData": f"SYNTHETIC: random weights (seed {args.seed}, T5 initialisation with factor "
                        f"{args.init_factor if args.init_factor is not None else cfg.initializer_factor}, norms 1 + N(0, 0.1)), "
                        f"no training; ProtT5 (T5 encoder) architecture from {label} ({shape}). "
                        "For parity tests only: its embeddings carry no biological signal.",
        "extra": {"randomSeed": args.seed},
    }
    return model, cfg, provenance, raw, args.tokenizer, "prott5"


def save_hf_checkpoint(model: T5EncoderModel, raw: dict, out: str, tokenizer: str | None) -> None:
    """Writes the weights as a Hugging Face T5ForConditionalGeneration-style checkpoint (SYNTHETIC): config.json,
    pytorch_model.bin and model.safetensors holding the encoder plus a few stand-in decoder.* tensors and lm_head.weight
    (which the export must ignore), and tokenizer.json when given. Used to test --checkpoint."""
    sys.path.insert(0, os.path.join(HERE, "..", "rumedbench"))
    from make_fake_hf_checkpoint import write_safetensors

    os.makedirs(out, exist_ok=True)
    cfg = model.config
    sd = {k: v.detach().clone().contiguous() for k, v in model.state_dict().items()}
    sd["encoder.embed_tokens.weight"] = sd["shared.weight"].clone()
    g = torch.Generator().manual_seed(1)
    sd["decoder.embed_tokens.weight"] = sd["shared.weight"].clone()
    sd["decoder.block.0.layer.0.SelfAttention.q.weight"] = torch.randn(cfg.num_heads * cfg.d_kv, cfg.d_model, generator=g)
    sd["decoder.final_layer_norm.weight"] = torch.ones(cfg.d_model)
    sd["lm_head.weight"] = torch.randn(cfg.vocab_size, cfg.d_model, generator=g)
    torch.save(sd, os.path.join(out, "pytorch_model.bin"))
    write_safetensors(os.path.join(out, "model.safetensors"), sd, {"format": "pt"})
    conf = dict(raw)
    conf.update({k: v for k, v in cfg.to_dict().items()})
    conf.update({"architectures": ["T5ForConditionalGeneration"], "model_type": "t5", "is_encoder_decoder": True,
                 "_name_or_path": "SYNTHETIC-random-prott5"})
    with open(os.path.join(out, "config.json"), "w", encoding="utf-8") as f:
        json.dump(conf, f, indent=2)
    if tokenizer:
        shutil.copyfile(tokenizer, os.path.join(out, "tokenizer.json"))
    print(f"wrote a Hugging Face-layout checkpoint (SYNTHETIC random weights, stand-in decoder) to {out}")


def weight_bytes(cfg: T5EncoderConfig) -> tuple:
    """float32 bytes of each block's weights, and of the embedding plus the final norm (from the configuration, so the
    plan is known before any weights are allocated)."""
    inner = cfg.num_heads * cfg.d_kv
    ff = (3 if cfg.gated else 2) * cfg.d_model * cfg.d_ff
    block = 4 * (4 * cfg.d_model * inner + ff + 2 * cfg.d_model)
    per_block = [block + (4 * cfg.relative_attention_num_buckets * cfg.num_heads if i == 0 else 0) for i in range(cfg.num_layers)]
    return per_block, 4 * (cfg.vocab_size * cfg.d_model + cfg.d_model)


def plan_stages(cfg: T5EncoderConfig, max_bytes: int, stages: int | None) -> list:
    """Consecutive [start, end) block ranges: `stages` of them, or the fewest balanced ones whose float32 weights each
    stay under `max_bytes` (the embedding and the final norm counted in every stage, to be safe)."""
    per_block, extra = weight_bytes(cfg)
    n = cfg.num_layers

    def split(k: int) -> list:
        size = math.ceil(n / k)
        return [(i, min(n, i + size)) for i in range(0, n, size)]

    if stages is not None:
        if not 1 <= stages <= n or len(split(stages)) != stages:
            raise SystemExit(f"--stages {stages}: {n} layers cannot be split into {stages} balanced stages")
        return split(stages)
    if max(per_block) + extra > max_bytes:
        raise SystemExit(f"one block alone has {(max(per_block) + extra) / 1e9:.2f} GB of float32 weights, more than "
                         f"--max-graph-bytes {max_bytes}; an ONNX file cannot exceed 2 GiB")
    for k in range(1, n + 1):
        ranges = split(k)
        if all(sum(per_block[a:b]) + extra <= max_bytes for a, b in ranges):
            return ranges
    raise AssertionError("unreachable")


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    src = ap.add_mutually_exclusive_group(required=True)
    src.add_argument("--random", action="store_true", help="seeded random weights with --config's architecture")
    src.add_argument("--checkpoint", help="Hugging Face T5 checkpoint directory or weights file")
    ap.add_argument("--config", help="default-tiny, prot_t5_xl_uniref50, or a Hugging Face T5 config.json")
    ap.add_argument("--weights", help="weights file inside the checkpoint directory (default: safetensors, else .bin)")
    ap.add_argument("--tokenizer", help="tokenizer.json to copy next to the model (default: the checkpoint's)")
    ap.add_argument("--out", required=True)
    ap.add_argument("--name", default=None)
    ap.add_argument("--version", default="0.1.0")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--init-factor", type=float, default=None, help="T5 initializer_factor of random weights")
    ap.add_argument("--hidden", type=int, default=None, help="override d_model (--random)")
    ap.add_argument("--layers", type=int, default=None, help="override num_layers (--random)")
    ap.add_argument("--heads", type=int, default=None, help="override num_heads (--random)")
    ap.add_argument("--d-kv", type=int, default=None, help="override d_kv (--random)")
    ap.add_argument("--d-ff", type=int, default=None, help="override d_ff (--random)")
    ap.add_argument("--ff-proj", default=None, help="override feed_forward_proj, e.g. relu or gated-gelu (--random)")
    ap.add_argument("--max-graph-bytes", type=int, default=DEFAULT_MAX_GRAPH_BYTES,
                    help="split the encoder into stages when its float32 weights exceed this (default 1.9e9)")
    ap.add_argument("--stages", type=int, default=None, help="force this many stages (default: as few as fit)")
    ap.add_argument("--save-checkpoint", default=None, metavar="DIR",
                    help="(--random) also write the weights as a Hugging Face checkpoint with a stand-in decoder, to test --checkpoint")
    ap.add_argument("--training-data", default=None, metavar="TEXT", help="model.json provenance.trainingData")
    ap.add_argument("--threads", type=int, default=int(os.environ.get("TORCH_THREADS", "1")))
    args = ap.parse_args(argv)
    torch.set_num_threads(args.threads)
    if args.tokenizer is not None and not os.path.isfile(args.tokenizer):
        raise SystemExit(f"--tokenizer {args.tokenizer}: no such file")

    model, cfg, provenance, raw, tokenizer, source = load_checkpoint(args) if args.checkpoint else random_model(args)
    if args.training_data is not None:
        if args.random and not args.training_data.startswith("SYNTHETIC"):
            raise SystemExit("--training-data for --random weights must start with SYNTHETIC")
        provenance["trainingData"] = args.training_data
    if sorted(model.state_dict().keys()) != sorted(hf_parameter_names(cfg)):
        raise SystemExit("internal: parameter names differ from Hugging Face's T5 names")
    if not bucket_table_matches_formula(cfg.relative_attention_num_buckets, cfg.relative_attention_max_distance):
        raise SystemExit("internal: the relative-position bucket table differs from the formula")
    model.eval()
    if args.save_checkpoint:
        if not args.random:
            raise SystemExit("--save-checkpoint goes with --random")
        save_hf_checkpoint(model, raw, args.save_checkpoint, tokenizer)
    residue_ids = residue_ids_from_tokenizer(tokenizer) if tokenizer else synthetic_residue_ids()
    top = max(residue_ids.values())
    if top >= cfg.vocab_size:
        raise SystemExit(f"the tokenizer's residue ids reach {top} but the config has vocab_size {cfg.vocab_size}")

    name = args.name or (source.split("/")[-1] + ("-random" if args.random else ""))
    ranges = plan_stages(cfg, args.max_graph_bytes, args.stages)
    example = golden_batch(residue_ids, lengths=(7, 4), seed=7)
    golden = golden_batch(residue_ids)
    os.makedirs(args.out, exist_ok=True)
    arch = (f"encoder (T5 v1 with Hugging Face T5EncoderModel semantics: RMS norms, pre-norm blocks, unscaled attention with "
            f"bucketed relative position bias, {cfg.feed_forward_proj} feed-forward, final norm): {cfg.num_layers} layers, "
            f"d_model {cfg.d_model}, {cfg.num_heads} heads of {cfg.d_kv}, d_ff {cfg.d_ff}.")
    prefix = "SYNTHETIC random weights. " if args.random else ""
    dyn = {"batch": 0, "length": 1}
    graphs = []
    for k, (start, end) in enumerate(ranges):
        stage = T5EncoderStage(model, start, end).eval()
        first, last = start == 0, end == cfg.num_layers
        in_name = "input_ids" if first else "hidden_states"
        out_name = "last_hidden_state" if last else "hidden_states"
        out_dir = args.out if len(ranges) == 1 else os.path.join(args.out, f"stage-{k}")
        if len(ranges) == 1:
            desc = f"{prefix}ProtT5 {arch} Inputs: ProtT5 token ids (residues then </s>, <pad> after) and the attention mask."
        else:
            what = "ProtT5 token ids (residues then </s>, <pad> after)" if first else f"stage {k - 1}'s hidden_states"
            desc = (f"{prefix}ProtT5 {arch} Stage {k} of {len(ranges)}: blocks {start}..{end - 1}"
                    f"{' and the final norm' if last else ''}. Inputs: {what} and the attention mask.")
        axes = {n: {0: "batch", 1: "length"} for n in (in_name, "attention_mask", out_name)}
        manifest = export_model(
            stage, {in_name: example[in_name] if first else example["hidden_states"], "attention_mask": example["attention_mask"]},
            [out_name], out_dir, name=name if len(ranges) == 1 else f"{name}-stage-{k}", version=args.version,
            training_data=provenance["trainingData"], dynamic_axes=axes,
            golden_inputs={in_name: golden[in_name] if first else golden["hidden_states"], "attention_mask": golden["attention_mask"]},
            atol=1e-4, rtol=0.0, opset=17, description=desc, script="training/protein/export_prot_t5.py",
            extra_provenance={**provenance["extra"], "dModel": cfg.d_model, "numLayers": cfg.num_layers, "numHeads": cfg.num_heads,
                              "blocks": [start, end], "synthetic": bool(args.random)},
        )
        path = os.path.join(out_dir, manifest["file"])
        check_no_scatter(path)
        with torch.no_grad():
            example["hidden_states"] = stage(example[in_name] if first else example["hidden_states"], example["attention_mask"])
            golden["hidden_states"] = stage(golden[in_name] if first else golden["hidden_states"], golden["attention_mask"])
        rel = os.path.relpath(os.path.join(out_dir, "model.json"), args.out).replace(os.sep, "/")
        graphs.append({"manifest": rel, "blocks": [start, end], "input": in_name, "output": out_name})
        print(f"wrote {out_dir}: {manifest['file']} ({os.path.getsize(path) / 1e6:.2f} MB, sha256 {manifest['sha256'][:12]}), "
              f"blocks {start}..{end - 1}")
    if tokenizer:
        shutil.copyfile(tokenizer, os.path.join(args.out, "tokenizer.json"))
    elif os.path.exists(os.path.join(args.out, "tokenizer.json")):
        os.remove(os.path.join(args.out, "tokenizer.json"))  # a stale one from an earlier export
    with open(os.path.join(args.out, "prot_t5.json"), "w", encoding="utf-8") as f:
        json.dump({"architecture": "prot_t5_encoder", "config": cfg.to_dict(), "graphs": graphs,
                   "padId": PAD_ID, "eosId": EOS_ID, "tokenizer": "tokenizer.json" if tokenizer else None,
                   "synthetic": bool(args.random)}, f, indent=2)
        f.write("\n")
    if not tokenizer:
        print("no tokenizer.json (none in the checkpoint, no --tokenizer): copy the checkpoint's tokenizer.json next to "
              "prot_t5.json before loading it in @lab/protein-tl")
    print(f"wrote {args.out}/prot_t5.json ({len(graphs)} graph{'s' if len(graphs) > 1 else ''})")


if __name__ == "__main__":
    main()
