"""Locating a Hugging Face checkpoint's files for the export scripts (no `transformers` needed)."""
from __future__ import annotations

import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))


def checkpoint_files(checkpoint: str, weights_name: str | None, config_path: str | None) -> tuple[str, dict]:
    """The weights file and the parsed config.json of a checkpoint: `checkpoint` is a directory (its
    `model.safetensors`, `pytorch_model.bin` or sharded index, or `weights_name`) or a weights file (config.json is then
    looked up next to it); `config_path` overrides the config's location. Exits with a message when there is none."""
    sys.path.insert(0, os.path.join(HERE, "..", "rumedbench"))
    from export_hf_bert import find_weights  # noqa: E402

    ckpt_dir = checkpoint if os.path.isdir(checkpoint) else os.path.dirname(checkpoint)
    weights = find_weights(ckpt_dir, weights_name) if os.path.isdir(checkpoint) else checkpoint
    config_path = config_path or os.path.join(ckpt_dir, "config.json")
    if not os.path.exists(config_path):
        raise SystemExit(f"no config.json next to {checkpoint}; pass --config")
    with open(config_path, encoding="utf-8") as f:
        return weights, json.load(f)
