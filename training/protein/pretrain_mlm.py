"""Pretrains a small ESM-2 (training/protein/esm2.py) from scratch by masked-language modelling on the protein corpus
that @lab/protein-tl's `writePretrainingCorpus` / `protein-tl corpus` wrote, and saves a Hugging Face-layout
checkpoint that `export_esm2.py --checkpoint` exports for `loadEsmEmbedder`.

    /usr/bin/python3 training/protein/pretrain_mlm.py --corpus training/protein/data/corpus \
        --out training/protein/runs/esm2-lab-small --minutes 70 --threads 2 \
        [--hidden 128 --layers 4 --heads 4 --intermediate 512 --crop 256 --batch-tokens 8192 --lr 1e-3]
    /usr/bin/python3 training/protein/export_esm2.py --checkpoint training/protein/runs/esm2-lab-small \
        --out packages/protein-tl/models/esm2-lab-small --logits

Input (corpus.json format protein-tl-mlm-corpus v1): tokens.npy uint8 (ESM-2 residue ids 4..28, proteins
concatenated, no special tokens), offsets.npy int64 [proteins + 1], valid_tokens.npy / valid_offsets.npy (the held-out
proteins), corpus.json (sources, counts, the leakage filter that left out every protein sharing a 20-mer with a
labelled Pfam sequence).

Training:
- each row is one protein, uniformly drawn, cropped to a random window of --crop residues (whole when shorter), framed
  as <cls> residues <eos>; rows are grouped by length into batches of at most --batch-tokens padded tokens;
- BERT masking: 15% of the residue positions (never <cls>/<eos>/<pad>), of which 80% become <mask>, 10% a random
  standard amino acid, 10% stay; cross-entropy on those positions only (the LM head runs on them only);
- token_dropout is OFF in training and in the saved config (config.json "token_dropout": false), so the exported
  graph (and Hugging Face's EsmForMaskedLM with this config) applies no 0.88 embedding rescale at inference: training
  and inference see the same embeddings. No dropout (as ESM-2);
- AdamW (betas 0.9/0.98, eps 1e-8, weight decay 0.01 except biases, LayerNorms and the embeddings), linear warmup over
  --warmup steps, then cosine (or linear) decay to --min-lr-ratio x --lr. The decay follows the fraction of the budget
  used: max(step / --steps, elapsed / --minutes); training stops when it reaches 1. Gradient norm clipped at 1.0;
- validation every --eval-seconds (and at the end): masked-token loss, perplexity exp(loss) and masked accuracy on the
  first --valid-proteins held-out proteins (centre crop of --crop residues, one fixed masking with seed --seed + 7,
  identical at every evaluation). Each evaluation rewrites the checkpoint (the last one is kept);
- --benchmark N: time N steps after 2 warm-up steps, print the throughput and exit (nothing saved);
- --threads N: torch.set_num_threads(N), and OPENBLAS_NUM_THREADS / OMP_NUM_THREADS / MKL_NUM_THREADS = N and
  OMP_WAIT_POLICY=PASSIVE unless set in the environment (see the comment at the imports).

Output (--out): config.json (Hugging Face EsmConfig, architectures EsmForMaskedLM, token_dropout false),
pytorch_model.bin, model.safetensors (tied decoder left out), vocab.txt, and pretrain_log.json (arguments, corpus
summary and sha256 of corpus.json, the curve, final metrics, and the trainingData text that export_esm2.py copies into
model.json).
"""
from __future__ import annotations

import argparse
import hashlib
import json
import math
import os
import sys
import time


def _threads_from_argv(argv: list) -> str:
    for i, a in enumerate(argv):
        if a == "--threads" and i + 1 < len(argv):
            return argv[i + 1]
        if a.startswith("--threads="):
            return a.split("=", 1)[1]
    return os.environ.get("TORCH_THREADS", "1")


# Debian's torch calls the system BLAS (OpenBLAS, pthreads), whose own thread pool ignores torch.set_num_threads and
# takes every core. Cap the BLAS and OpenMP pools at --threads before numpy/torch load them, and let idle OpenMP
# threads sleep (OMP_WAIT_POLICY=PASSIVE): with the default spinning, 2 threads on 2 cores that another job also uses
# ran 3.6x slower per step than 1 thread (ACTIVE: 10x); PASSIVE: on par. An explicit environment setting wins.
for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, _threads_from_argv(sys.argv[1:]))
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

import numpy as np  # noqa: E402
import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from esm2 import EsmConfig, EsmForMaskedLM, init_random  # noqa: E402
from export_esm2 import ESM2_VOCAB, save_hf_checkpoint  # noqa: E402

CLS, PAD, EOS, MASK = 0, 1, 2, 32
FIRST_RESIDUE, LAST_RESIDUE = 4, 28  # ESM-2 ids of the 25 residue letters
STANDARD = torch.arange(4, 24)  # the 20 standard amino acids, for the 10% random replacements
CORPUS_FORMAT = "protein-tl-mlm-corpus"


# ------------------------------------------------------------------------------------------------------------- data


class Corpus:
    """The arrays of one corpus directory."""

    def __init__(self, path: str):
        with open(os.path.join(path, "corpus.json"), encoding="utf-8") as f:
            self.manifest = json.load(f)
        if self.manifest.get("format") != CORPUS_FORMAT or self.manifest.get("version") != 1:
            raise SystemExit(f"{path}/corpus.json is not a {CORPUS_FORMAT} v1 corpus (format {self.manifest.get('format')!r})")
        if list(self.manifest["vocab"]) != ESM2_VOCAB:
            raise SystemExit(f"{path}: the corpus vocabulary differs from the ESM-2 alphabet")
        files = self.manifest["files"]
        self.path = path
        self.tokens = np.load(os.path.join(path, files["tokens"]))
        self.offsets = np.load(os.path.join(path, files["offsets"])).astype(np.int64)
        self.valid_tokens = np.load(os.path.join(path, files["validTokens"]))
        self.valid_offsets = np.load(os.path.join(path, files["validOffsets"])).astype(np.int64)
        for name, t, o in (("train", self.tokens, self.offsets), ("valid", self.valid_tokens, self.valid_offsets)):
            if t.dtype != np.uint8 or o[0] != 0 or o[-1] != len(t) or np.any(np.diff(o) <= 0):
                raise SystemExit(f"{path}: the {name} arrays are inconsistent (dtype {t.dtype}, offsets {o[0]}..{o[-1]} vs {len(t)} tokens)")
            if len(t) and (t.min() < FIRST_RESIDUE or t.max() > LAST_RESIDUE):
                raise SystemExit(f"{path}: {name} tokens outside the residue ids {FIRST_RESIDUE}..{LAST_RESIDUE}")
        self.lengths = np.diff(self.offsets)
        with open(os.path.join(path, "corpus.json"), "rb") as f:
            self.manifest_sha256 = hashlib.sha256(f.read()).hexdigest()

    @property
    def n_train(self) -> int:
        return len(self.offsets) - 1


def frame(rows: list, device="cpu") -> tuple:
    """<cls> row <eos>, right-padded with <pad>: (input_ids, attention_mask) int64 [B, max + 2]."""
    width = max(len(r) for r in rows) + 2
    ids = np.full((len(rows), width), PAD, dtype=np.int64)
    mask = np.zeros_like(ids)
    for i, r in enumerate(rows):
        ids[i, 0] = CLS
        ids[i, 1 : len(r) + 1] = r
        ids[i, len(r) + 1] = EOS
        mask[i, : len(r) + 2] = 1
    return torch.from_numpy(ids), torch.from_numpy(mask)


class BatchSampler:
    """Uniformly drawn proteins, random crops, grouped by cropped length into batches of <= batch_tokens padded tokens."""

    def __init__(self, corpus: Corpus, crop: int, batch_tokens: int, rng: np.random.Generator, pool_batches: int = 32):
        self.c, self.crop, self.budget, self.rng, self.pool_batches = corpus, crop, batch_tokens, rng, pool_batches
        if crop + 2 > batch_tokens:
            raise SystemExit(f"--batch-tokens {batch_tokens} is smaller than one cropped row ({crop} + 2)")
        self.queue: list = []

    def _refill(self) -> None:
        n = self.pool_batches * max(1, self.budget // (self.crop + 2))
        idx = self.rng.integers(0, self.c.n_train, size=n)
        lens = np.minimum(self.c.lengths[idx], self.crop)
        order = np.argsort(lens, kind="stable")
        batches, cur, cur_max = [], [], 0
        for j in order:
            w = int(lens[j]) + 2
            if cur and max(cur_max, w) * (len(cur) + 1) > self.budget:
                batches.append(cur)
                cur, cur_max = [], 0
            cur.append(int(idx[j]))
            cur_max = max(cur_max, w)
        if cur:
            batches.append(cur)
        self.rng.shuffle(batches)
        self.queue.extend(batches)

    def next(self) -> list:
        if not self.queue:
            self._refill()
        rows = []
        for i in self.queue.pop():
            s, e = int(self.c.offsets[i]), int(self.c.offsets[i + 1])
            if e - s > self.crop:
                s += int(self.rng.integers(0, e - s - self.crop + 1))
                e = s + self.crop
            rows.append(self.c.tokens[s:e])
        return rows


def mask_tokens(ids: torch.Tensor, gen: torch.Generator, prob: float) -> tuple:
    """BERT masking of residue positions: returns (corrupted ids, chosen bool [B, L], target ids of the chosen)."""
    residue = (ids >= FIRST_RESIDUE) & (ids <= LAST_RESIDUE)
    chosen = (torch.rand(ids.shape, generator=gen) < prob) & residue
    if not bool(chosen.any()):  # a tiny batch: mask its first residue
        first = residue.nonzero()[0]
        chosen[first[0], first[1]] = True
    r = torch.rand(ids.shape, generator=gen)
    corrupted = ids.clone()
    corrupted[chosen & (r < 0.8)] = MASK
    swap = chosen & (r >= 0.8) & (r < 0.9)
    corrupted[swap] = STANDARD[torch.randint(0, len(STANDARD), (int(swap.sum()),), generator=gen)]
    return corrupted, chosen, ids[chosen]


def mlm_loss(model: EsmForMaskedLM, ids, attn, chosen, targets) -> tuple:
    """Mean cross-entropy over the chosen positions (the LM head runs on them only), and the number correct."""
    h = model.esm(ids, attn)
    logits = model.lm_head(h[chosen])
    loss = F.cross_entropy(logits, targets)
    correct = int((logits.argmax(-1) == targets).sum())
    return loss, correct


class Validation:
    """A fixed set: the first n held-out proteins, centre-cropped, masked once with a fixed seed."""

    def __init__(self, corpus: Corpus, n: int, crop: int, batch_tokens: int, seed: int, prob: float):
        n = min(n, len(corpus.valid_offsets) - 1)
        rows = []
        for i in range(n):
            s, e = int(corpus.valid_offsets[i]), int(corpus.valid_offsets[i + 1])
            if e - s > crop:
                s += (e - s - crop) // 2
                e = s + crop
            rows.append(corpus.valid_tokens[s:e])
        order = sorted(range(n), key=lambda i: len(rows[i]))
        gen = torch.Generator().manual_seed(seed)
        self.batches = []
        i = 0
        while i < n:
            j = i
            while j < n and (len(rows[order[j]]) + 2) * (j - i + 1) <= batch_tokens:
                j += 1
            j = max(j, i + 1)
            ids, attn = frame([rows[k] for k in order[i:j]])
            corrupted, chosen, targets = mask_tokens(ids, gen, prob)
            self.batches.append((corrupted, attn, chosen, targets))
            i = j
        self.proteins = n
        self.masked = sum(int(b[3].numel()) for b in self.batches)

    @torch.no_grad()
    def run(self, model: EsmForMaskedLM) -> dict:
        model.eval()
        total, correct = 0.0, 0
        for corrupted, attn, chosen, targets in self.batches:
            loss, c = mlm_loss(model, corrupted, attn, chosen, targets)
            total += float(loss) * targets.numel()
            correct += c
        model.train()
        loss = total / max(1, self.masked)
        return {"loss": loss, "perplexity": math.exp(min(loss, 50.0)), "maskedAccuracy": correct / max(1, self.masked)}


# -------------------------------------------------------------------------------------------------------- training


def param_groups(model: EsmForMaskedLM, weight_decay: float) -> list:
    decay, no_decay = [], []
    for name, p in model.named_parameters():
        if name.endswith("bias") or "LayerNorm" in name or "layer_norm" in name or "word_embeddings" in name:
            no_decay.append(p)
        else:
            decay.append(p)
    return [{"params": decay, "weight_decay": weight_decay}, {"params": no_decay, "weight_decay": 0.0}]


def lr_factor(step: int, frac: float, warmup: int, schedule: str, min_ratio: float) -> float:
    warm = min(1.0, (step + 1) / max(1, warmup))
    frac = min(1.0, max(0.0, frac))
    if schedule == "cosine":
        decay = min_ratio + (1 - min_ratio) * 0.5 * (1 + math.cos(math.pi * frac))
    else:
        decay = 1 - (1 - min_ratio) * frac
    return warm * decay


def training_data_text(corpus: Corpus, steps: int, tokens: int, args) -> str:
    m = corpus.manifest
    ex = m["exclusion"]
    sources = "; ".join(f"{s['path']} ({s['kept']} kept of {s['read']})" for s in m["sources"])
    files = ", ".join(os.path.basename(f["path"]) for f in ex["files"]) or "none"
    return (
        "Masked-language-model pretraining from random initialisation (training/protein/pretrain_mlm.py) on the "
        f"@lab/protein-tl pretraining corpus at {corpus.path} (corpus.json sha256 "
        f"{corpus.manifest_sha256[:16]}): {m['train']['proteins']} training proteins / {m['train']['residues']} residues "
        f"from {sources}; deduplicated, proteins under {m['minLength']} residues or with non-residue characters dropped. "
        f"Leakage filter: {ex['excludedProteins']} proteins sharing an exact {ex['k']}-mer with any of "
        f"{ex['labelledSequences']} labelled Pfam sequences ({files}) were left out, so no labelled Pfam sequence (train, "
        "validation or test) was seen in pretraining. "
        f"{steps} steps, {tokens} tokens, random crops of {args.crop} residues, 15% BERT masking (80/10/10), "
        "token_dropout off, no dropout."
    )


def save(model, cfg_dict, out, name, log) -> None:
    tmp = out + ".saving"
    save_hf_checkpoint(model, cfg_dict, ESM2_VOCAB, tmp, name_or_path=name, synthetic=False, quiet=True)
    with open(os.path.join(tmp, "pretrain_log.json"), "w", encoding="utf-8") as f:
        json.dump(log, f, indent=2)
        f.write("\n")
    os.makedirs(out, exist_ok=True)
    for fname in os.listdir(tmp):
        os.replace(os.path.join(tmp, fname), os.path.join(out, fname))
    os.rmdir(tmp)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", required=True, help="corpus directory (protein-tl corpus)")
    ap.add_argument("--out", help="checkpoint directory (required unless --benchmark)")
    ap.add_argument("--name", default=None, help="model name recorded in config.json (default: the --out folder name)")
    ap.add_argument("--hidden", type=int, default=128)
    ap.add_argument("--layers", type=int, default=4)
    ap.add_argument("--heads", type=int, default=4)
    ap.add_argument("--intermediate", type=int, default=None, help="feed-forward width (default 4 x hidden)")
    ap.add_argument("--crop", type=int, default=256, help="residues per training row (random window)")
    ap.add_argument("--batch-tokens", type=int, default=8192, help="padded tokens per batch (rows x longest row)")
    ap.add_argument("--mask-prob", type=float, default=0.15)
    ap.add_argument("--lr", type=float, default=1e-3)
    ap.add_argument("--min-lr-ratio", type=float, default=0.1)
    ap.add_argument("--warmup", type=int, default=300, help="linear warm-up steps")
    ap.add_argument("--schedule", choices=["cosine", "linear"], default="cosine")
    ap.add_argument("--weight-decay", type=float, default=0.01)
    ap.add_argument("--minutes", type=float, default=None, help="time budget of the training loop (evaluations included)")
    ap.add_argument("--steps", type=int, default=None, help="step budget (with --minutes: whichever ends first)")
    ap.add_argument("--eval-seconds", type=float, default=300.0, help="validate and save every this many seconds")
    ap.add_argument("--valid-proteins", type=int, default=1000)
    ap.add_argument("--log-seconds", type=float, default=30.0)
    ap.add_argument("--threads", type=int, default=int(os.environ.get("TORCH_THREADS", "1")))
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--benchmark", type=int, default=0, metavar="N", help="time N steps, print the throughput, save nothing")
    args = ap.parse_args(argv)
    if args.minutes is None and args.steps is None and not args.benchmark:
        ap.error("give --minutes and/or --steps (or --benchmark N)")
    if not args.benchmark and not args.out:
        ap.error("--out is required")
    torch.set_num_threads(args.threads)
    torch.set_num_interop_threads(1)
    torch.manual_seed(args.seed)

    corpus = Corpus(args.corpus)
    intermediate = args.intermediate or 4 * args.hidden
    cfg = EsmConfig(vocab_size=len(ESM2_VOCAB), hidden_size=args.hidden, num_hidden_layers=args.layers,
                    num_attention_heads=args.heads, intermediate_size=intermediate, token_dropout=False,
                    hidden_dropout_prob=0.0, attention_probs_dropout_prob=0.0)
    cfg.check()
    model = EsmForMaskedLM(cfg)
    init_random(model, args.seed, perturb_norms=False)  # Hugging Face's initialisation: N(0, 0.02), LayerNorm 1/0
    model.train()
    n_params = sum(p.numel() for p in model.parameters())
    opt = torch.optim.AdamW(param_groups(model, args.weight_decay), lr=args.lr, betas=(0.9, 0.98), eps=1e-8)
    sampler = BatchSampler(corpus, args.crop, args.batch_tokens, np.random.default_rng(args.seed))
    gen = torch.Generator().manual_seed(args.seed + 1)
    shape = f"{args.layers} layers, hidden {args.hidden}, {args.heads} heads, intermediate {intermediate}"
    print(f"corpus {corpus.path}: {corpus.n_train} training proteins, {len(corpus.tokens)} residues; model {shape}, "
          f"{n_params / 1e6:.2f} M parameters; crop {args.crop}, {args.batch_tokens} tokens per batch, {args.threads} thread(s)", flush=True)

    def step_once(step: int, frac: float) -> tuple:
        rows = sampler.next()
        ids, attn = frame(rows)
        corrupted, chosen, targets = mask_tokens(ids, gen, args.mask_prob)
        for g in opt.param_groups:
            g["lr"] = args.lr * lr_factor(step, frac, args.warmup, args.schedule, args.min_lr_ratio)
        loss, _ = mlm_loss(model, corrupted, attn, chosen, targets)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        return float(loss), int(attn.sum()), int(ids.numel())

    if args.benchmark:
        for s in range(2):
            step_once(s, 0.0)
        t0, c0 = time.time(), time.process_time()
        tokens = padded = 0
        for s in range(args.benchmark):
            _, t, p = step_once(s + 2, 0.0)
            tokens += t
            padded += p
        dt, cpu = time.time() - t0, time.process_time() - c0
        print(json.dumps({"hidden": args.hidden, "layers": args.layers, "heads": args.heads, "intermediate": intermediate,
                          "params": n_params, "crop": args.crop, "batchTokens": args.batch_tokens, "threads": args.threads,
                          "steps": args.benchmark, "secondsPerStep": round(dt / args.benchmark, 3),
                          "cpuSecondsPerStep": round(cpu / args.benchmark, 3),
                          "tokensPerSecond": round(tokens / dt), "paddedFraction": round(1 - tokens / padded, 3),
                          "stepsPer70Minutes": int(70 * 60 / (dt / args.benchmark))}), flush=True)
        return

    name = args.name or os.path.basename(os.path.normpath(args.out))
    valid = Validation(corpus, args.valid_proteins, args.crop, args.batch_tokens, args.seed + 7, args.mask_prob)
    if valid.proteins == 0:
        raise SystemExit(f"{corpus.path} has no validation proteins; write the corpus with a validation fraction > 0")
    print(f"validation: {valid.proteins} held-out proteins, {valid.masked} masked positions", flush=True)
    cfg_dict = {"model_type": "esm", **cfg.to_dict()}
    budget = args.minutes * 60 if args.minutes is not None else None
    curve = []
    log = {"args": vars(args), "config": cfg_dict, "parameters": n_params,
           "corpus": {"path": corpus.path, "corpusJsonSha256": corpus.manifest_sha256, "train": corpus.manifest["train"],
                      "valid": corpus.manifest["valid"], "exclusion": {k: v for k, v in corpus.manifest["exclusion"].items() if k != "files"}},
           "validation": {"proteins": valid.proteins, "maskedPositions": valid.masked, "crop": args.crop, "seed": args.seed + 7},
           "curve": curve}

    def evaluate_and_save(step, tokens, elapsed, train_loss, lr) -> dict:
        v = valid.run(model)
        row = {"step": step, "tokens": tokens, "seconds": round(elapsed, 1), "lr": lr,
               "trainLoss": None if train_loss is None or math.isnan(train_loss) else train_loss,
               "validLoss": v["loss"], "validPerplexity": v["perplexity"], "validMaskedAccuracy": v["maskedAccuracy"]}
        curve.append(row)
        best = min(curve, key=lambda r: r["validLoss"])
        log["metrics"] = {"validLoss": v["loss"], "validPerplexity": v["perplexity"], "validMaskedAccuracy": v["maskedAccuracy"],
                          "validProteins": valid.proteins, "validMaskedPositions": valid.masked,
                          "bestValidLoss": best["validLoss"], "bestValidStep": best["step"],
                          "trainSteps": step, "trainTokens": tokens, "trainMinutes": round(elapsed / 60, 2)}
        log["trainingData"] = training_data_text(corpus, step, tokens, args)
        save(model, cfg_dict, args.out, name, log)
        print(f"[eval] step {step} {elapsed / 60:.1f} min: valid loss {v['loss']:.4f}, perplexity {v['perplexity']:.2f}, "
              f"masked accuracy {v['maskedAccuracy']:.4f} (train loss {train_loss:.4f}); saved {args.out}", flush=True)
        return row

    t0 = time.time()
    step = tokens = 0
    ema = None
    last_log = last_eval = t0
    evaluate_and_save(0, 0, 0.0, float("nan"), 0.0)
    last_eval = time.time()
    while True:
        now = time.time()
        elapsed = now - t0
        frac = max(step / args.steps if args.steps else 0.0, elapsed / budget if budget else 0.0)
        if frac >= 1.0:
            break
        loss, t, _ = step_once(step, frac)
        step += 1
        tokens += t
        ema = loss if ema is None else 0.98 * ema + 0.02 * loss
        now = time.time()
        if now - last_log >= args.log_seconds:
            last_log = now
            lr = opt.param_groups[0]["lr"]
            print(f"step {step} ({100 * frac:.1f}% of the budget, {(now - t0) / 60:.1f} min): train loss {ema:.4f}, "
                  f"lr {lr:.2e}, {tokens / (now - t0):.0f} tokens/s", flush=True)
        if now - last_eval >= args.eval_seconds:
            evaluate_and_save(step, tokens, now - t0, ema, opt.param_groups[0]["lr"])
            last_eval = time.time()
    row = evaluate_and_save(step, tokens, time.time() - t0, ema if ema is not None else float("nan"), opt.param_groups[0]["lr"])
    print(f"done: {step} steps, {tokens} tokens in {(time.time() - t0) / 60:.1f} min; final valid perplexity "
          f"{row['validPerplexity']:.2f}, masked accuracy {row['validMaskedAccuracy']:.4f}; checkpoint {args.out}", flush=True)


if __name__ == "__main__":
    main()
