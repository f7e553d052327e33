"""PyTorch eager side of bench/protein-tl/embedder-speed.mjs: the same ESM-2 network (training/protein/esm2.py, loaded
from the Hugging Face checkpoint that the ONNX export was made from) embedding the same sequences, mean-pooled over
the residues (<cls>/<eos> and padding excluded: @lab/protein-tl's default pooling).

Timed region per pass: tokenisation (ESM-2 alphabet), batches of B sequences in the order given (the Node side sends
them sorted by length, as its length-bucketed batching does), padding, the forward pass under torch.inference_mode(),
and the masked mean.

Serve mode: one JSON command per line on stdin, one JSON answer per line on stdout:
    {"cmd": "embed"}                            -> {"pooled": [[...], ...]} of every sequence (batch 32, 1 thread)
    {"cmd": "time", "batch": B, "threads": T}   -> {"seconds": s} for one pass over all sequences
    {"cmd": "quit"}
Usage: /usr/bin/python3 bench/protein-tl/embedder_eager.py CHECKPOINT_DIR SEQUENCES.txt
"""
import argparse
import json
import os
import sys
import time

import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "training", "protein"))
from export_esm2 import load_checkpoint  # noqa: E402


def main():
    ckpt, seq_path = sys.argv[1], sys.argv[2]
    args = argparse.Namespace(checkpoint=ckpt, weights=None, config=None, logits=False)
    model, cfg, vocab, _, _ = load_checkpoint(args)
    model.eval()
    esm = model.esm
    index = {t: i for i, t in enumerate(vocab)}
    cls, eos, pad, unk = index["<cls>"], index["<eos>"], index["<pad>"], index["<unk>"]
    with open(seq_path, encoding="utf-8") as f:
        seqs = [s.strip() for s in f if s.strip()]

    def run(batch: int):
        out = []
        with torch.inference_mode():
            for s in range(0, len(seqs), batch):
                chunk = seqs[s : s + batch]
                L = max(len(x) for x in chunk) + 2
                ids = torch.full((len(chunk), L), pad, dtype=torch.int64)
                mask = torch.zeros((len(chunk), L), dtype=torch.int64)
                for r, x in enumerate(chunk):
                    ids[r, 0] = cls
                    ids[r, 1 : len(x) + 1] = torch.tensor([index.get(c, unk) for c in x], dtype=torch.int64)
                    ids[r, len(x) + 1] = eos
                    mask[r, : len(x) + 2] = 1
                h = esm(ids, mask)
                res = mask.clone()
                res[:, 0] = 0
                res[torch.arange(len(chunk)), mask.sum(1) - 1] = 0
                w = res.to(h.dtype).unsqueeze(-1)
                out.append((h * w).sum(1) / w.sum(1))
        return torch.cat(out)

    print(json.dumps({"ready": True, "torch": torch.__version__, "sequences": len(seqs), "hidden": cfg.hidden_size, "layers": cfg.num_hidden_layers}), flush=True)
    for line in sys.stdin:
        cmd = json.loads(line)
        if cmd["cmd"] == "quit":
            break
        if cmd["cmd"] == "embed":
            torch.set_num_threads(1)
            print(json.dumps({"pooled": run(32).tolist()}), flush=True)
        elif cmd["cmd"] == "time":
            torch.set_num_threads(int(cmd["threads"]))
            run(int(cmd["batch"]))  # warm-up
            t = time.perf_counter()
            run(int(cmd["batch"]))
            print(json.dumps({"seconds": time.perf_counter() - t}), flush=True)
        else:
            print(json.dumps({"error": f"unknown command {cmd['cmd']!r}"}), flush=True)


if __name__ == "__main__":
    main()
