"""Shared ONNX export for every package's networks.

`export_model` runs `torch.onnx.export` with dynamic axes, checks the graph with `onnx.checker`, and writes next to
each other:

- `<file>.onnx`                the network (opset >= 16)
- `model.json`                 the manifest that @lab/tensor-core reads (name, version, sha256, opset, inputs/outputs
                               with dtype and shape, provenance with the training data, metrics, golden file names
                               and tolerances)
- `golden-inputs.npz`          inputs for the TypeScript golden test
- `golden-outputs.npz`         what PyTorch eager returns for them

Run scripts that use it with Debian's interpreter: `/usr/bin/python3` (packages python3-torch, python3-onnx).
Duplicate-index scatters: use `scatter_add`/`index_add` only through `scatter_add` -- `index_put`/`index_add`
export wrongly with repeated indices.
"""
from __future__ import annotations

import datetime as _dt
import hashlib
import json
import os
import platform
from typing import Mapping, Sequence

import numpy as np
import onnx
import torch

_DTYPES = {
    torch.float32: "float32",
    torch.float64: "float64",
    torch.int64: "int64",
    torch.int32: "int32",
    torch.bool: "bool",
    torch.uint8: "uint8",
    torch.int8: "int8",
}


def sha256_file(path: str) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _spec(name: str, t: torch.Tensor, dynamic: Mapping[int, str] | None) -> dict:
    if t.dtype not in _DTYPES:
        raise TypeError(f"{name}: dtype {t.dtype} is not supported by the manifest")
    shape = [dynamic[i] if dynamic and i in dynamic else int(d) for i, d in enumerate(t.shape)]
    return {"name": name, "dtype": _DTYPES[t.dtype], "shape": shape}


def _to_numpy(t: torch.Tensor) -> np.ndarray:
    return np.ascontiguousarray(t.detach().cpu().numpy())


def _scatter_add_symbolic(g, self, dim, index, src):
    from torch.onnx import symbolic_helper
    return g.op("ScatterElements", self, index, src, axis_i=symbolic_helper._get_const(dim, "i", "dim"), reduction_s="add")


def register_scatter_add() -> None:
    """Exports `Tensor.scatter_add` as ONNX ScatterElements(reduction='add') (opset >= 16).

    torch 1.13's own symbolic refuses when the index and source shapes are not statically equal (e.g. an index
    expanded from [E] to [E, C] with E dynamic); ScatterElements sums duplicate indices, which the golden tests check.
    """
    torch.onnx.register_custom_op_symbolic("aten::scatter_add", _scatter_add_symbolic, 16)


class _ScatterRows(torch.autograd.Function):
    @staticmethod
    def forward(ctx, src, index, like):
        ctx.save_for_backward(index)
        out = torch.zeros(like.shape[0], src.shape[1], dtype=src.dtype, device=src.device)
        return out.index_add(0, index, src)

    @staticmethod
    def backward(ctx, grad):
        (index,) = ctx.saved_tensors
        return grad.index_select(0, index), None, None

    @staticmethod
    def symbolic(g, src, index, like):
        rows = g.op("Gather", g.op("Shape", like), g.op("Constant", value_t=torch.tensor([0])), axis_i=0)
        cols = g.op("Gather", g.op("Shape", src), g.op("Constant", value_t=torch.tensor([1])), axis_i=0)
        zeros = g.op("ConstantOfShape", g.op("Concat", rows, cols, axis_i=0), value_t=torch.tensor([0.0]))
        idx = g.op("Unsqueeze", index, g.op("Constant", value_t=torch.tensor([1])))
        return g.op("ScatterND", zeros, idx, src, reduction_s="add")


def scatter_rows(src: torch.Tensor, index: torch.Tensor, like: torch.Tensor) -> torch.Tensor:
    """Sums the rows of `src` [E, C] into `like.shape[0]` rows by `index` [E] (duplicates add up).

    Exports as one ONNX ScatterND(reduction='add') with row indices [E, 1] (opset >= 16): in onnxruntime's CPU provider
    that is ~25x faster than ScatterElements over an index expanded to [E, C], the form `Tensor.scatter_add` exports to.
    Eager mode uses index_add (correct with duplicates); the golden tests check the exported graph.

    WARNING: onnxruntime 1.30's CPU ScatterND with reduction='add' races when it runs on more than one intra-op thread
    and `index` repeats (measured: wrong sums on ~40 % of calls of GeoDiff's network at 2 threads), so use it only for
    graphs that run single-threaded. training/geodiff's FastPairwise* export sums with gathers over a neighbour table
    instead; @lab/geodiff tests that repeated two-thread calls give identical outputs.
    """
    return _ScatterRows.apply(src, index, like)


def export_model(
    model: torch.nn.Module,
    example_inputs: Mapping[str, torch.Tensor],
    output_names: Sequence[str],
    out_dir: str,
    *,
    name: str,
    version: str,
    training_data: str,
    dynamic_axes: Mapping[str, Mapping[int, str]] | None = None,
    metrics: Mapping[str, object] | None = None,
    golden_inputs: Mapping[str, torch.Tensor] | None = None,
    atol: float = 1e-5,
    rtol: float = 0.0,
    opset: int = 17,
    file_name: str = "model.onnx",
    description: str | None = None,
    script: str | None = None,
    extra_provenance: Mapping[str, object] | None = None,
) -> dict:
    """Exports `model` to ONNX and writes the manifest and golden files. Returns the manifest dict."""
    if opset < 16:
        raise ValueError("opset must be >= 16")
    os.makedirs(out_dir, exist_ok=True)
    model = model.eval()
    input_names = list(example_inputs.keys())
    dynamic_axes = dict(dynamic_axes or {})
    onnx_path = os.path.join(out_dir, file_name)
    args = tuple(example_inputs[k] for k in input_names)
    register_scatter_add()
    with torch.no_grad():
        torch.onnx.export(
            model,
            args,
            onnx_path,
            input_names=input_names,
            output_names=list(output_names),
            dynamic_axes={k: dict(v) for k, v in dynamic_axes.items()},
            opset_version=opset,
            do_constant_folding=True,
        )
    onnx.checker.check_model(onnx.load(onnx_path))

    golden = dict(golden_inputs or example_inputs)
    with torch.no_grad():
        outs = model(*(golden[k] for k in input_names))
    if isinstance(outs, torch.Tensor):
        outs = (outs,)
    if len(outs) != len(output_names):
        raise ValueError(f"model returned {len(outs)} outputs but {len(output_names)} names were given")
    np.savez(os.path.join(out_dir, "golden-inputs.npz"), **{k: _to_numpy(v) for k, v in golden.items()})
    np.savez(os.path.join(out_dir, "golden-outputs.npz"), **{k: _to_numpy(v) for k, v in zip(output_names, outs)})

    return write_manifest(
        out_dir,
        name=name,
        version=version,
        inputs=[_spec(k, example_inputs[k], dynamic_axes.get(k)) for k in input_names],
        outputs=[_spec(k, v, dynamic_axes.get(k)) for k, v in zip(output_names, outs)],
        training_data=training_data,
        metrics=metrics,
        atol=atol,
        rtol=rtol,
        opset=opset,
        file_name=file_name,
        description=description,
        script=script,
        extra_provenance=extra_provenance,
    )


def write_manifest(
    out_dir: str,
    *,
    name: str,
    version: str,
    inputs: Sequence[Mapping[str, object]],
    outputs: Sequence[Mapping[str, object]],
    training_data: str,
    metrics: Mapping[str, object] | None = None,
    atol: float = 1e-5,
    rtol: float = 0.0,
    opset: int = 17,
    file_name: str = "model.onnx",
    description: str | None = None,
    script: str | None = None,
    extra_provenance: Mapping[str, object] | None = None,
) -> dict:
    """Writes `model.json` for `out_dir/file_name` (an ONNX graph with golden-inputs.npz / golden-outputs.npz beside
    it): name, version, sha256, opset, inputs/outputs (`{name, dtype, shape}`), provenance, metrics, golden entry.
    Used by `export_model` and by scripts that compose graphs themselves. Returns the manifest dict."""
    onnx_path = os.path.join(out_dir, file_name)
    manifest = {
        "name": name,
        "version": version,
        "file": file_name,
        "sha256": sha256_file(onnx_path),
        "opset": opset,
        **({"description": description} if description else {}),
        "inputs": [dict(i) for i in inputs],
        "outputs": [dict(o) for o in outputs],
        "provenance": {
            "trainingData": training_data,
            "framework": f"pytorch {torch.__version__}, onnx {onnx.__version__}",
            **({"script": script} if script else {}),
            "createdAt": _dt.datetime.now(_dt.timezone.utc).replace(microsecond=0).isoformat(),
            "python": platform.python_version(),
            **dict(extra_provenance or {}),
        },
        "metrics": dict(metrics or {}),
        "golden": {"inputs": "golden-inputs.npz", "outputs": "golden-outputs.npz", "atol": atol, "rtol": rtol},
    }
    with open(os.path.join(out_dir, "model.json"), "w", encoding="utf-8") as f:
        json.dump(manifest, f, indent=2)
        f.write("\n")
    return manifest
