"""Trains one comparison network of the linear-probing study (FCN, LSTM or CNN; see probe_models.py) on arrays written by
`jet-interp probe-data`, and exports it for @lab/jet-interp's `loadProbeNetwork`.

    node packages/jet-interp/dist/cli.js probe-data --from training/jets/data/w-qcd.npz --out training/jets/data/w-qcd-probe.npz
    TORCH_THREADS=1 /usr/bin/python3 training/jets/train_probes.py training/jets/data/w-qcd-probe.npz \
        training/jets/runs/probe-w-qcd-fcn --arch fcn --minutes 4

The networks start with a fixed input scale fitted on the training split (probe_models.fit_input_scale; part of the
exported graph). Training: BCE on the logit, Adam (lr 1e-3, batches of 128), early stopping on the validation loss (patience 5, best epoch
restored) or when the --minutes budget of process CPU time runs out (checked after every batch; CPU time, not wall time, so that
a shared machine does not shorten the training). The split is the file's `split` (the RecNN's
split). Held-out test metrics (ROC AUC, background rejection 1/eps_B at 50 % signal efficiency, accuracy) go into the
manifest's metrics and probe.json.

Export (training/common/export.py, opset 17): one graph, input `constituents` [batch, 30, 4] (fcn, lstm) or `image`
[batch, 37, 37] (cnn), outputs `probability` [batch], `logit` [batch] and `hidden1`, `hidden2`, `hidden3` [batch, k], the
activations of the last three hidden layers (hidden3 the last; which layers they are is written into model.json's output
descriptions and probe.json's `hiddenLayers`). Golden files: the first test jets' inputs and PyTorch's outputs.
`--preset tiny --synthetic` makes the small unit-test fixtures (labelled SYNTHETIC in the manifest).

Environment: TORCH_THREADS (default 1; also the default of OMP_NUM_THREADS, OPENBLAS_NUM_THREADS and MKL_NUM_THREADS).
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import time

# one thread really means one: torch.set_num_threads does not reach the BLAS library (OpenBLAS spins a second thread
# in the LSTM's matrix products otherwise), so its thread counts are set before numpy and torch load it
for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, os.environ.get("TORCH_THREADS", "1"))

import numpy as np  # noqa: E402
import torch  # noqa: E402
from torch.nn import functional as F  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, ".."))
sys.path.insert(0, HERE)
from common.export import export_model  # noqa: E402
from probe_models import OUTPUT_NAMES, build, fit_input_scale, roc_metrics  # noqa: E402

GOLDEN_ATOL = 1e-4
GOLDEN_RTOL = 1e-4


def load(path: str, arch: str):
    z = np.load(path)
    for key in ("label", "split", "meta_json"):
        if key not in z.files:
            sys.exit(f"{path}: lacks '{key}'; write it with `jet-interp probe-data`")
    meta = json.loads(bytes(z["meta_json"]).decode("utf-8"))
    if meta.get("format") != "probe-train-data":
        sys.exit(f"{path}: format {meta.get('format')!r} is not probe-train-data; write it with `jet-interp probe-data`")
    key = "image" if arch == "cnn" else "fcn_x"
    x = torch.from_numpy(np.ascontiguousarray(z[key], dtype=np.float32))
    y = torch.from_numpy(z["label"].astype(np.float32))
    split = z["split"].astype(np.int64)
    return x, y, split, meta


@torch.no_grad()
def evaluate(model, x, y, batch: int = 1024) -> dict:
    model.eval()
    logits = torch.cat([model(x[i:i + batch])[1] for i in range(0, len(x), batch)])
    loss = float(F.binary_cross_entropy_with_logits(logits, y))
    m = roc_metrics(y.numpy(), logits.numpy())
    m["loss"] = loss
    m["accuracy"] = float(((logits > 0).float() == y).float().mean())
    return m


def train(model, data, args, log) -> dict:
    (xt, yt), (xv, yv) = data["train"], data["validation"]
    opt = torch.optim.Adam(model.parameters(), lr=args.lr)
    gen = torch.Generator().manual_seed(args.seed)
    start = time.time()
    cpu0 = time.process_time()
    budget = args.minutes * 60
    best = {"loss": float("inf"), "epoch": 0, "state": None}
    history = []
    out_of_time = False
    stale = 0
    epoch = 0
    for epoch in range(1, args.max_epochs + 1):
        model.train()
        t0 = time.time()
        perm = torch.randperm(len(xt), generator=gen)
        total, seen = 0.0, 0
        for i in range(0, len(xt), args.batch):
            b = perm[i:i + args.batch]
            logit = model(xt[b])[1]
            loss = F.binary_cross_entropy_with_logits(logit, yt[b])
            opt.zero_grad()
            loss.backward()
            opt.step()
            total += float(loss) * len(b)
            seen += len(b)
            if time.process_time() - cpu0 > budget:
                out_of_time = True
                break
        val = evaluate(model, xv, yv)
        history.append({"epoch": epoch, "trainLoss": round(total / seen, 5), "validationLoss": round(val["loss"], 5), "validationAuc": round(val["auc"], 5), "batches": (seen + args.batch - 1) // args.batch})
        log(f"epoch {epoch}: train loss {total / seen:.4f}, validation loss {val['loss']:.4f}, AUC {val['auc']:.4f}, R50 {val['rejection50']:.1f} ({time.time() - t0:.1f} s){' [time budget reached]' if out_of_time else ''}")
        if val["loss"] < best["loss"]:
            best = {"loss": val["loss"], "epoch": epoch, "state": {k: v.detach().clone() for k, v in model.state_dict().items()}}
            stale = 0
        else:
            stale += 1
        if out_of_time:
            break
        if stale >= args.patience:
            log(f"early stop: no better validation loss for {args.patience} epochs")
            break
    model.load_state_dict(best["state"])
    stop = "time budget" if out_of_time else ("early stopping" if stale >= args.patience else "max epochs")
    return {"bestEpoch": best["epoch"], "epochs": epoch, "stoppedBy": stop, "seconds": round(time.time() - start, 1), "cpuSeconds": round(time.process_time() - cpu0, 1), "history": history}


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("data", help=".npz written by `jet-interp probe-data`")
    ap.add_argument("out_dir")
    ap.add_argument("--arch", required=True, choices=["fcn", "lstm", "cnn"])
    ap.add_argument("--preset", default="full", choices=["full", "tiny"], help="layer sizes (tiny: unit-test fixtures)")
    ap.add_argument("--minutes", type=float, default=4.0, help="training budget in minutes of process CPU time")
    ap.add_argument("--max-epochs", type=int, default=200)
    ap.add_argument("--patience", type=int, default=5)
    ap.add_argument("--batch", type=int, default=128)
    ap.add_argument("--lr", type=float, default=1e-3)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--golden", type=int, default=64, help="test jets in the golden files")
    ap.add_argument("--name", help="model name (default probe-<signal>-<background>-<arch>)")
    ap.add_argument("--synthetic", action="store_true", help="label the training data SYNTHETIC in the manifest (fixtures)")
    args = ap.parse_args(argv)

    torch.set_num_threads(int(os.environ.get("TORCH_THREADS", "1")))
    torch.manual_seed(args.seed)
    os.makedirs(args.out_dir, exist_ok=True)
    log_file = open(os.path.join(args.out_dir, "train.log"), "w", encoding="utf-8")

    def log(msg: str):
        print(msg, flush=True)
        log_file.write(msg + "\n")
        log_file.flush()

    x, y, split, meta = load(args.data, args.arch)
    data = {name: (x[split == code], y[split == code]) for name, code in (("train", 0), ("validation", 1), ("test", 2))}
    for name, (xs, ys) in data.items():
        if len(xs) == 0 or float(ys.min()) == float(ys.max()):
            sys.exit(f"{args.data}: the {name} split needs jets of both classes")
    n_cons = meta["maxConstituents"]
    n_feat = len(meta["constituentFeatures"])
    pixels = meta["image"]["pixels"]
    model = build(args.arch, args.preset, n_cons, n_feat, pixels)
    fit_input_scale(model, data["train"][0])
    n_params = sum(p.numel() for p in model.parameters())
    task = f"{meta.get('signal', 'signal')}-{meta.get('background', 'background')}"
    name = args.name or f"probe-{task}-{args.arch}"
    log(f"{name}: {args.arch} ({args.preset}, {n_params} parameters) on {args.data}: train/validation/test {len(data['train'][0])}/{len(data['validation'][0])}/{len(data['test'][0])}; {torch.get_num_threads()} thread(s), budget {args.minutes} min")

    training = train(model, data, args, log)
    model.eval()
    test = evaluate(model, *data["test"])
    val = evaluate(model, *data["validation"])

    def finite(v, digits):
        return round(v, digits) if np.isfinite(v) else None

    metrics = {
        "testAuc": round(test["auc"], 5),
        "testRejection50": finite(test["rejection50"], 3),
        "testAccuracy": round(test["accuracy"], 5),
        "testLoss": round(test["loss"], 5),
        "testJets": int(len(data["test"][0])),
        "validationAuc": round(val["auc"], 5),
        "validationLoss": round(val["loss"], 5),
        "bestEpoch": training["bestEpoch"],
        "epochs": training["epochs"],
        "stoppedBy": training["stoppedBy"],
        "trainingSeconds": training["seconds"],
        "trainingCpuSeconds": training["cpuSeconds"],
        "parameters": n_params,
    }
    log(f"test: AUC {test['auc']:.4f}, 1/eps_B at eps_S = 0.5: {test['rejection50']:.2f}, accuracy {test['accuracy']:.4f} ({metrics['testJets']} jets); best epoch {training['bestEpoch']} of {training['epochs']} ({training['stoppedBy']}); {training['seconds']} s training ({training['cpuSeconds']} s CPU)")

    input_name = model.input_name
    xg = data["test"][0][: args.golden].contiguous()
    hidden = [{"output": o, "module": m, "layer": d, "size": s} for o, m, d, s in model.layers]
    source = meta.get("source", "?")
    training_data = (
        f"SYNTHETIC jets from the jet-interp generator, for unit tests only (not a physics model): {os.path.basename(args.data)} ({source})"
        if args.synthetic
        else f"{os.path.basename(args.data)} (jet-interp probe-data of {meta.get('from', '?')}: {source}); split {meta['splits']}"
    )
    description = (
        f"{args.arch.upper()} {meta.get('signal', 'signal')}/{meta.get('background', 'background')} tagger of the linear-probing study (comparison network); "
        f"outputs P(signal), the logit and the last three hidden layers' activations (hidden3 the last)"
        + (" -- SYNTHETIC unit-test fixture" if args.synthetic else "")
    )
    export_model(
        model,
        {input_name: xg},
        OUTPUT_NAMES,
        args.out_dir,
        name=name,
        version="1.0.0" if not args.synthetic else "0.0.1",
        training_data=training_data,
        dynamic_axes={input_name: {0: "batch"}, **{o: {0: "batch"} for o in OUTPUT_NAMES}},
        metrics=metrics,
        atol=GOLDEN_ATOL,
        rtol=GOLDEN_RTOL,
        description=description,
        script="training/jets/train_probes.py",
        extra_provenance={"arch": args.arch, "preset": args.preset, "seed": args.seed, "synthetic": bool(args.synthetic), "hiddenLayers": hidden},
    )
    # describe inputs and outputs in the manifest (the sha256 covers the .onnx only)
    manifest_path = os.path.join(args.out_dir, "model.json")
    with open(manifest_path, encoding="utf-8") as f:
        manifest = json.load(f)
    if input_name == "image":
        manifest["inputs"][0]["description"] = f"jet image [batch, {pixels}, {pixels}] of jet-interp's jetImage (pt fractions; halfWidth {meta['image']['halfWidth']})"
    else:
        manifest["inputs"][0]["description"] = f"constituent array [batch, {n_cons}, {n_feat}] of jet-interp's constituentArray ({', '.join(meta['constituentFeatures'])})"
    descriptions = {"probability": "P(signal) = sigmoid(logit)", "logit": "the output unit", **{h["output"]: f"{h['layer']} [batch, {h['size']}]" for h in hidden}}
    for o in manifest["outputs"]:
        o["description"] = descriptions[o["name"]]
    with open(manifest_path, "w", encoding="utf-8") as f:
        json.dump(manifest, f, indent=2)
        f.write("\n")

    probe = {
        "format": "probe-network",
        "version": 1,
        "name": name,
        "arch": args.arch,
        "preset": args.preset,
        "synthetic": bool(args.synthetic),
        "signal": meta.get("signal"),
        "background": meta.get("background"),
        "input": {
            "name": input_name,
            "kind": "image" if input_name == "image" else "constituents",
            "maxConstituents": n_cons,
            "constituentFeatures": meta["constituentFeatures"],
            "pixels": pixels,
            "halfWidth": meta["image"]["halfWidth"],
        },
        "hiddenLayers": hidden,
        "metrics": metrics,
        "history": training["history"],
        "trainingData": training_data,
    }
    with open(os.path.join(args.out_dir, "probe.json"), "w", encoding="utf-8") as f:
        json.dump(probe, f, indent=2)
        f.write("\n")
    log(f"exported to {args.out_dir}")


if __name__ == "__main__":
    main()
