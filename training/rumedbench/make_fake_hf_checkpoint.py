"""Writes a SYNTHETIC Hugging Face-layout BERT checkpoint with RANDOM weights, for automated tests of
`export_hf_bert.py`. It is not a trained model and its outputs mean nothing.

    /usr/bin/python3 training/rumedbench/make_fake_hf_checkpoint.py OUT_DIR [--tokens tokens.txt] [--hidden 32] \
        [--layers 2] [--heads 2] [--intermediate 64] [--max-positions 64] [--labels a,b,c] [--dtype f32|f16|bf16] \
        [--old-layernorm-names] [--lower-case] [--tokenizer-json] [--seed 101]

OUT_DIR receives:
- config.json: architectures ["BertForSequenceClassification"], model_type bert, id2label/label2id, the sizes above;
- tokenizer_config.json (do_lower_case, strip_accents null) and vocab.txt: the lines of --tokens (specials [PAD] [UNK]
  [CLS] [SEP] [MASK] are put first when missing) or a generated tiny vocabulary; --tokenizer-json adds a minimal
  tokenizer.json so the converter's copy can be tested;
- the same weights twice, under HF key names (`bert.embeddings.*`, `bert.encoder.layer.{i}.*`, `bert.pooler.*`,
  `classifier.*`, plus `cls.predictions.*` and `bert.embeddings.position_ids` that the converter must ignore):
  `pytorch_model.bin` (torch.save) and `model.safetensors` (written here with numpy: 8-byte little-endian header
  length, JSON header with dtype/shape/data_offsets, raw little-endian data). With --dtype f16/bf16 the floating
  weights are stored in that precision in both files, so both load to identical float32 values.
--old-layernorm-names writes `LayerNorm.gamma/beta` instead of `LayerNorm.weight/bias` (old BERT checkpoints).
"""
from __future__ import annotations

import argparse
import json
import os
import sys

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(__file__))
from bert_model import BertConfig, BertForRuMed, BertMlmHead  # noqa: E402

SPECIALS = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]

_TORCH_TO_ST = {
    torch.float32: ("F32", "<f4"),
    torch.float16: ("F16", "<f2"),
    torch.float64: ("F64", "<f8"),
    torch.int64: ("I64", "<i8"),
    torch.int32: ("I32", "<i4"),
    torch.uint8: ("U8", "u1"),
    torch.bool: ("BOOL", "?"),
}


def write_safetensors(path: str, tensors: dict, metadata: dict | None = None) -> None:
    """Minimal safetensors writer: header padded with spaces to a multiple of 8, tensors laid out back to back."""
    header, blobs, offset = {}, [], 0
    for name in sorted(tensors):
        t = tensors[name].detach().cpu().contiguous()
        if t.dtype == torch.bfloat16:
            dtype, raw = "BF16", t.view(torch.int16).numpy().astype("<i2").tobytes()
        elif t.dtype in _TORCH_TO_ST:
            dtype, npd = _TORCH_TO_ST[t.dtype]
            raw = t.numpy().astype(npd).tobytes()
        else:
            raise TypeError(f"{name}: dtype {t.dtype} not supported")
        header[name] = {"dtype": dtype, "shape": list(t.shape), "data_offsets": [offset, offset + len(raw)]}
        blobs.append(raw)
        offset += len(raw)
    if metadata:
        header["__metadata__"] = {str(k): str(v) for k, v in metadata.items()}
    text = json.dumps(header, separators=(",", ":")).encode("utf-8")
    text += b" " * ((8 - len(text) % 8) % 8)
    with open(path, "wb") as f:
        f.write(len(text).to_bytes(8, "little"))
        f.write(text)
        for raw in blobs:
            f.write(raw)


def tiny_vocab() -> list:
    letters = "абвгдежзийклмнопрстуфхцчшщъыьэюяabcdefghijklmnopqrstuvwxyz0123456789"
    words = ["боль", "голова", "кашель", "температура", "живот", "врач", "лечение", "pain", "head", "дни"]
    return SPECIALS + list(".,!?-()") + list(letters) + ["##" + c for c in letters] + words


def main(argv=None):
    ap = argparse.ArgumentParser(description="SYNTHETIC random-weight HF BERT checkpoint for converter tests")
    ap.add_argument("out_dir")
    ap.add_argument("--tokens", default=None, help="vocabulary file, one token a line")
    ap.add_argument("--hidden", type=int, default=32)
    ap.add_argument("--layers", type=int, default=2)
    ap.add_argument("--heads", type=int, default=2)
    ap.add_argument("--intermediate", type=int, default=64)
    ap.add_argument("--max-positions", type=int, default=64)
    ap.add_argument("--labels", default="negative,neutral,positive")
    ap.add_argument("--dtype", choices=["f32", "f16", "bf16"], default="f32")
    ap.add_argument("--old-layernorm-names", action="store_true")
    ap.add_argument("--lower-case", action="store_true")
    ap.add_argument("--tokenizer-json", action="store_true")
    ap.add_argument("--seed", type=int, default=101)
    args = ap.parse_args(argv)
    torch.manual_seed(args.seed)

    if args.tokens:
        with open(args.tokens, encoding="utf-8") as f:
            toks = [l.rstrip("\n") for l in f if l.strip()]
        vocab = [s for s in SPECIALS if s not in toks] + toks
    else:
        vocab = tiny_vocab()
    labels = args.labels.split(",")
    config = BertConfig(
        vocab_size=len(vocab),
        hidden_size=args.hidden,
        num_hidden_layers=args.layers,
        num_attention_heads=args.heads,
        intermediate_size=args.intermediate,
        max_position_embeddings=args.max_positions,
        pad_token_id=vocab.index("[PAD]"),
        # larger than HF's 0.02 so that the random network's outputs are not all near zero
        initializer_range=0.2,
    )
    model = BertForRuMed(config, "single", "pooler", len(labels))
    mlm = BertMlmHead(config)
    with torch.no_grad():  # non-trivial LayerNorm parameters and biases, so a mis-mapped key shows in the outputs
        for name, p in list(model.named_parameters()) + list(mlm.named_parameters()):
            if "LayerNorm.weight" in name:
                p.copy_(1.0 + 0.1 * torch.randn_like(p))
            elif name.endswith("bias"):
                p.copy_(0.1 * torch.randn_like(p))

    sd = {}
    for k, v in model.state_dict().items():  # keys "bert.*" and "classifier.*" already
        sd[k] = v
    for k, v in mlm.state_dict().items():
        sd["cls." + k] = v
    sd["cls.predictions.decoder.weight"] = model.bert.embeddings.word_embeddings.weight.detach().clone()
    sd["cls.predictions.decoder.bias"] = sd["cls.predictions.bias"].clone()
    sd["bert.embeddings.position_ids"] = torch.arange(config.max_position_embeddings).unsqueeze(0)
    if args.old_layernorm_names:
        sd = {k.replace("LayerNorm.weight", "LayerNorm.gamma").replace("LayerNorm.bias", "LayerNorm.beta"): v for k, v in sd.items()}
    store = {"f32": torch.float32, "f16": torch.float16, "bf16": torch.bfloat16}[args.dtype]
    sd = {k: (v.detach().to(store).contiguous() if v.is_floating_point() else v.contiguous()) for k, v in sd.items()}

    os.makedirs(args.out_dir, exist_ok=True)
    torch.save(sd, os.path.join(args.out_dir, "pytorch_model.bin"))
    write_safetensors(os.path.join(args.out_dir, "model.safetensors"), sd, {"format": "pt", "note": "synthetic random weights"})
    cfg = {
        "_comment": "SYNTHETIC checkpoint with RANDOM weights, written by make_fake_hf_checkpoint.py for converter tests",
        "architectures": ["BertForSequenceClassification"],
        "model_type": "bert",
        "vocab_size": config.vocab_size,
        "hidden_size": config.hidden_size,
        "num_hidden_layers": config.num_hidden_layers,
        "num_attention_heads": config.num_attention_heads,
        "intermediate_size": config.intermediate_size,
        "hidden_act": "gelu",
        "hidden_dropout_prob": 0.1,
        "attention_probs_dropout_prob": 0.1,
        "max_position_embeddings": config.max_position_embeddings,
        "type_vocab_size": config.type_vocab_size,
        "initializer_range": config.initializer_range,
        "layer_norm_eps": config.layer_norm_eps,
        "pad_token_id": config.pad_token_id,
        "position_embedding_type": "absolute",
        "classifier_dropout": None,
        "id2label": {str(i): l for i, l in enumerate(labels)},
        "label2id": {l: i for i, l in enumerate(labels)},
        "torch_dtype": {"f32": "float32", "f16": "float16", "bf16": "bfloat16"}[args.dtype],
    }
    with open(os.path.join(args.out_dir, "config.json"), "w", encoding="utf-8") as f:
        json.dump(cfg, f, indent=2, ensure_ascii=False)
    with open(os.path.join(args.out_dir, "tokenizer_config.json"), "w", encoding="utf-8") as f:
        json.dump({"do_lower_case": args.lower_case, "strip_accents": None, "tokenizer_class": "BertTokenizer",
                   "model_max_length": config.max_position_embeddings}, f, indent=2)
    with open(os.path.join(args.out_dir, "vocab.txt"), "w", encoding="utf-8") as f:
        f.write("\n".join(vocab) + "\n")
    if args.tokenizer_json:
        tok = {
            "version": "1.0",
            "normalizer": {"type": "BertNormalizer", "clean_text": True, "handle_chinese_chars": True,
                           "strip_accents": None, "lowercase": args.lower_case},
            "pre_tokenizer": {"type": "BertPreTokenizer"},
            "model": {"type": "WordPiece", "unk_token": "[UNK]", "continuing_subword_prefix": "##",
                      "max_input_chars_per_word": 100, "vocab": {t: i for i, t in enumerate(vocab)}},
        }
        with open(os.path.join(args.out_dir, "tokenizer.json"), "w", encoding="utf-8") as f:
            json.dump(tok, f, ensure_ascii=False)
    with open(os.path.join(args.out_dir, "README.md"), "w", encoding="utf-8") as f:
        f.write("# SYNTHETIC checkpoint\n\nRandom weights written by training/rumedbench/make_fake_hf_checkpoint.py "
                "to test export_hf_bert.py. Not a trained model.\n")
    print(f"wrote synthetic random-weight checkpoint ({len(sd)} tensors, {args.dtype}, vocab {len(vocab)}) to {args.out_dir}")


if __name__ == "__main__":
    main()
