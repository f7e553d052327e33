"""The T5 encoder of ProtT5 (Rostlab/prot_t5_xl_uniref50) in plain PyTorch, with the parameter names of Hugging Face's
T5 checkpoints, so that their state dicts load without the `transformers` package (written from the T5 paper's
architecture, "T5 v1" as ProtT5 uses it; no code copied).

Names (the encoder half; a T5ForConditionalGeneration / T5Model checkpoint also holds decoder.* and lm_head.weight,
which are ignored when loading, and T5EncoderModel checkpoints may repeat the embedding as encoder.embed_tokens.weight):

    shared.weight                                                   [vocab, d_model]   token embedding
    encoder.block.{i}.layer.0.SelfAttention.{q,k,v}.weight          [heads * d_kv, d_model]   (no biases anywhere)
    encoder.block.{i}.layer.0.SelfAttention.o.weight                [d_model, heads * d_kv]
    encoder.block.0.layer.0.SelfAttention.relative_attention_bias.weight   [num_buckets, heads]   block 0 only
    encoder.block.{i}.layer.0.layer_norm.weight                     [d_model]   RMS norm before attention
    encoder.block.{i}.layer.1.DenseReluDense.wi.weight              [d_ff, d_model]   (feed_forward_proj "relu")
    encoder.block.{i}.layer.1.DenseReluDense.wi_0.weight, .wi_1.weight   (gated variants, e.g. "gated-gelu")
    encoder.block.{i}.layer.1.DenseReluDense.wo.weight              [d_model, d_ff]
    encoder.block.{i}.layer.1.layer_norm.weight                     [d_model]   RMS norm before the feed-forward
    encoder.final_layer_norm.weight                                 [d_model]

Semantics (Hugging Face T5EncoderModel at inference):
- h = shared(input_ids) (no scaling of the embedding);
- each block, pre-norm residual: h = h + o(attn(norm_0(h))); h = h + wo(act(wi(norm_1(h)))) -- gated: wo(act(wi_0(x)) *
  wi_1(x)); act is ReLU for "relu", the tanh GELU for "gated-gelu" (T5Config's convention), else the named one;
- the T5 layer norm is an RMS norm: x * rsqrt(mean(x^2) + eps) * weight, no mean subtraction, no bias, computed in
  float32;
- attention: per head q k^T WITHOUT 1/sqrt(d_kv) (T5 folds it into the initialisation), plus the position bias, then a
  float32 softmax, times v; the position bias is a learnt scalar per head and relative-position bucket, held by block 0
  and shared by every block; padded keys get finfo(float32).min added (Hugging Face's extended attention mask);
- relative-position buckets (bidirectional): with r = key position - query position, half of the buckets are for
  r > 0; within a half, |r| < nb/4 has its own bucket (nb = num_buckets), larger |r| are binned logarithmically up to
  max_distance, and everything further shares the last bucket;
- after the last block: final_layer_norm -> last_hidden_state (dropout is off at inference).

The buckets are computed once per module as a table over r in [-max_distance, max_distance] (torch, float32, the
formula above) and looked up in the graph with a Gather of the clamped r: the exported graph then holds no logarithm,
so onnxruntime's float rounding cannot move a position into another bucket. `bucket_table_matches_formula` checks the
table against the formula for |r| far beyond max_distance.

Dynamic batch and length export cleanly (no cached tables that depend on the length, no scatter ops).
"""
from __future__ import annotations

import math
import os
import sys
from dataclasses import dataclass

import torch
from torch import nn

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from common.config import JsonConfig  # noqa: E402

# The configuration of Rostlab/prot_t5_xl_uniref50 ("ProtT5-XL-U50"; the encoder is what embeds proteins): T5 v1 with
# the layout of t5-3b, a 128-token vocabulary (<pad> 0, </s> 1, <unk> 2, one piece per amino acid, extra ids), 24
# encoder blocks of width 1024 with 32 heads of 128 and a 16384-wide ReLU feed-forward; about 1.2 billion encoder
# parameters (4.8 GB in float32, so export_prot_t5.py splits it into several ONNX graphs). As Hugging Face's T5Config.
PROT_T5_XL_UNIREF50_CONFIG = {
    "vocab_size": 128,
    "d_model": 1024,
    "d_kv": 128,
    "d_ff": 16384,
    "num_layers": 24,
    "num_heads": 32,
    "relative_attention_num_buckets": 32,
    "relative_attention_max_distance": 128,
    "layer_norm_epsilon": 1e-6,
    "feed_forward_proj": "relu",
}

# A tiny configuration with the same vocabulary and position buckets, for SYNTHETIC random-weight fixtures and tests.
TINY_CONFIG = {
    **PROT_T5_XL_UNIREF50_CONFIG,
    "d_model": 32,
    "d_kv": 8,
    "d_ff": 64,
    "num_layers": 2,
    "num_heads": 4,
}

ACTIVATIONS = ("relu", "gelu", "gelu_new", "silu")


@dataclass
class T5EncoderConfig(JsonConfig):
    """The fields of Hugging Face's T5Config that the encoder uses (other fields of a config.json are ignored)."""

    vocab_size: int = 128
    d_model: int = 1024
    d_kv: int = 128
    d_ff: int = 16384
    num_layers: int = 24
    num_heads: int = 32
    relative_attention_num_buckets: int = 32
    relative_attention_max_distance: int = 128
    layer_norm_epsilon: float = 1e-6
    feed_forward_proj: str = "relu"
    initializer_factor: float = 1.0
    pad_token_id: int = 0
    eos_token_id: int = 1

    @property
    def gated(self) -> bool:
        return self.feed_forward_proj.startswith("gated-")

    @property
    def activation(self) -> str:
        """The feed-forward activation: T5Config maps "gated-gelu" to the tanh GELU ("gelu_new")."""
        if self.feed_forward_proj == "gated-gelu":
            return "gelu_new"
        return self.feed_forward_proj[len("gated-"):] if self.gated else self.feed_forward_proj

    def check(self) -> None:
        for name in ("vocab_size", "d_model", "d_kv", "d_ff", "num_layers", "num_heads",
                     "relative_attention_num_buckets", "relative_attention_max_distance"):
            v = getattr(self, name)
            if not isinstance(v, int) or v < 1:
                raise ValueError(f"{name} must be a positive integer, got {v!r}")
        if self.relative_attention_num_buckets < 4 or self.relative_attention_num_buckets % 4:
            raise ValueError("relative_attention_num_buckets must be a multiple of 4 (bidirectional buckets: two halves, "
                             f"each half exact for its first quarter); got {self.relative_attention_num_buckets}")
        if self.relative_attention_max_distance <= self.relative_attention_num_buckets // 4:
            raise ValueError("relative_attention_max_distance must exceed relative_attention_num_buckets / 4")
        if self.activation not in ACTIVATIONS:
            raise ValueError(f"feed_forward_proj {self.feed_forward_proj!r} is not supported: use relu (ProtT5, T5 v1), "
                             f"gated-gelu (T5 v1.1), or [gated-]{{{','.join(ACTIVATIONS)}}}")
        if not self.layer_norm_epsilon > 0:
            raise ValueError(f"layer_norm_epsilon must be positive, got {self.layer_norm_epsilon!r}")


def relative_position_bucket(rel: torch.Tensor, num_buckets: int, max_distance: int) -> torch.Tensor:
    """Bidirectional T5 buckets of `rel` = key position - query position (int64 tensor), in float32 as T5 computes
    them. Half of the buckets hold r > 0; in each half, |r| below a quarter of `num_buckets` maps to itself, and larger
    |r| are binned logarithmically between that and `max_distance`, the last bucket of the half taking the rest."""
    half = num_buckets // 2
    exact = half // 2
    offset = (rel > 0).to(torch.int64) * half
    n = rel.abs()
    small = n < exact
    scaled = torch.log(n.clamp(min=1).float() / exact) / math.log(max_distance / exact) * (half - exact)
    large = (exact + scaled.to(torch.int64)).clamp(max=half - 1)
    return offset + torch.where(small, n, large)


def bucket_table(num_buckets: int, max_distance: int) -> torch.Tensor:
    """Buckets of r = -max_distance .. max_distance (index r + max_distance); |r| >= max_distance all share one bucket
    per direction, so clamping r to this range before the lookup gives the formula's bucket for every r."""
    return relative_position_bucket(torch.arange(-max_distance, max_distance + 1, dtype=torch.int64), num_buckets, max_distance)


def bucket_table_matches_formula(num_buckets: int, max_distance: int, reach: int = 20000) -> bool:
    """True when the table lookup equals the formula for every r in [-reach, reach]."""
    r = torch.arange(-reach, reach + 1, dtype=torch.int64)
    table = bucket_table(num_buckets, max_distance)
    looked_up = table[r.clamp(-max_distance, max_distance) + max_distance]
    return bool(torch.equal(looked_up, relative_position_bucket(r, num_buckets, max_distance)))


def gelu_tanh(x: torch.Tensor) -> torch.Tensor:
    """The tanh approximation of GELU ("gelu_new")."""
    return 0.5 * x * (1.0 + torch.tanh(math.sqrt(2.0 / math.pi) * (x + 0.044715 * torch.pow(x, 3.0))))


def activation(name: str):
    if name == "relu":
        return torch.relu
    if name == "gelu":
        return lambda x: x * 0.5 * (1.0 + torch.erf(x / math.sqrt(2.0)))
    if name == "gelu_new":
        return gelu_tanh
    if name == "silu":
        return lambda x: x * torch.sigmoid(x)
    raise ValueError(f"unknown activation {name!r}")


class T5LayerNorm(nn.Module):
    """T5's norm: scale only, by the root mean square (no mean subtraction, no bias), in float32."""

    def __init__(self, d: int, eps: float):
        super().__init__()
        self.weight = nn.Parameter(torch.ones(d))
        self.eps = eps

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        xf = x.float()
        ms = xf.pow(2).mean(-1, keepdim=True)
        y = xf * torch.rsqrt(ms + self.eps)
        return self.weight * y.to(self.weight.dtype)


class T5Attention(nn.Module):
    def __init__(self, cfg: T5EncoderConfig, has_relative_attention_bias: bool):
        super().__init__()
        self.heads = cfg.num_heads
        self.d_kv = cfg.d_kv
        inner = cfg.num_heads * cfg.d_kv
        self.q = nn.Linear(cfg.d_model, inner, bias=False)
        self.k = nn.Linear(cfg.d_model, inner, bias=False)
        self.v = nn.Linear(cfg.d_model, inner, bias=False)
        self.o = nn.Linear(inner, cfg.d_model, bias=False)
        if has_relative_attention_bias:
            self.relative_attention_bias = nn.Embedding(cfg.relative_attention_num_buckets, cfg.num_heads)

    def _split(self, x: torch.Tensor) -> torch.Tensor:
        b, l, _ = x.shape
        return x.view(b, l, self.heads, self.d_kv).transpose(1, 2)

    def forward(self, h: torch.Tensor, bias: torch.Tensor) -> torch.Tensor:
        q, k, v = self._split(self.q(h)), self._split(self.k(h)), self._split(self.v(h))
        scores = torch.matmul(q, k.transpose(-1, -2)) + bias  # no 1/sqrt(d_kv): T5 folds it into q's initialisation
        probs = torch.softmax(scores.float(), dim=-1).to(scores.dtype)
        ctx = torch.matmul(probs, v).transpose(1, 2).contiguous()
        return self.o(ctx.view(ctx.shape[0], ctx.shape[1], self.heads * self.d_kv))


class T5LayerSelfAttention(nn.Module):
    def __init__(self, cfg: T5EncoderConfig, has_relative_attention_bias: bool):
        super().__init__()
        self.SelfAttention = T5Attention(cfg, has_relative_attention_bias)
        self.layer_norm = T5LayerNorm(cfg.d_model, cfg.layer_norm_epsilon)

    def forward(self, h: torch.Tensor, bias: torch.Tensor) -> torch.Tensor:
        return h + self.SelfAttention(self.layer_norm(h), bias)


class T5DenseActDense(nn.Module):
    def __init__(self, cfg: T5EncoderConfig):
        super().__init__()
        self.wi = nn.Linear(cfg.d_model, cfg.d_ff, bias=False)
        self.wo = nn.Linear(cfg.d_ff, cfg.d_model, bias=False)
        self.act = activation(cfg.activation)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.wo(self.act(self.wi(x)))


class T5DenseGatedActDense(nn.Module):
    def __init__(self, cfg: T5EncoderConfig):
        super().__init__()
        self.wi_0 = nn.Linear(cfg.d_model, cfg.d_ff, bias=False)
        self.wi_1 = nn.Linear(cfg.d_model, cfg.d_ff, bias=False)
        self.wo = nn.Linear(cfg.d_ff, cfg.d_model, bias=False)
        self.act = activation(cfg.activation)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.wo(self.act(self.wi_0(x)) * self.wi_1(x))


class T5LayerFF(nn.Module):
    def __init__(self, cfg: T5EncoderConfig):
        super().__init__()
        self.DenseReluDense = T5DenseGatedActDense(cfg) if cfg.gated else T5DenseActDense(cfg)
        self.layer_norm = T5LayerNorm(cfg.d_model, cfg.layer_norm_epsilon)

    def forward(self, h: torch.Tensor) -> torch.Tensor:
        return h + self.DenseReluDense(self.layer_norm(h))


class T5Block(nn.Module):
    def __init__(self, cfg: T5EncoderConfig, has_relative_attention_bias: bool):
        super().__init__()
        self.layer = nn.ModuleList([T5LayerSelfAttention(cfg, has_relative_attention_bias), T5LayerFF(cfg)])

    def forward(self, h: torch.Tensor, bias: torch.Tensor) -> torch.Tensor:
        return self.layer[1](self.layer[0](h, bias))


class PositionBias(nn.Module):
    """The additive attention term of every block: block 0's learnt bias per head and relative-position bucket, plus
    finfo(float32).min on padded keys. Holds a reference to block 0's embedding (no parameters of its own) and the
    bucket table as a non-persistent buffer, so it can sit in every exported stage."""

    def __init__(self, cfg: T5EncoderConfig, embedding: nn.Embedding):
        super().__init__()
        self.max_distance = cfg.relative_attention_max_distance
        self.embedding = [embedding]  # a list: not registered as a submodule, so the state dict holds no second copy
        self.register_buffer("table", bucket_table(cfg.relative_attention_num_buckets, cfg.relative_attention_max_distance),
                             persistent=False)

    def forward(self, length_like: torch.Tensor, attention_mask: torch.Tensor, dtype: torch.dtype) -> torch.Tensor:
        pos = torch.arange(length_like.shape[1], dtype=torch.int64, device=length_like.device)
        rel = pos[None, :] - pos[:, None]  # [query, key]: key position - query position
        buckets = self.table[rel.clamp(-self.max_distance, self.max_distance) + self.max_distance]
        values = self.embedding[0](buckets)  # [L, L, heads]
        values = values.permute(2, 0, 1).unsqueeze(0).to(dtype)  # [1, heads, L, L]
        keys = attention_mask[:, None, None, :].to(dtype)
        return values + (1.0 - keys) * torch.finfo(dtype).min


class T5Stack(nn.Module):
    def __init__(self, cfg: T5EncoderConfig):
        super().__init__()
        self.block = nn.ModuleList([T5Block(cfg, i == 0) for i in range(cfg.num_layers)])
        self.final_layer_norm = T5LayerNorm(cfg.d_model, cfg.layer_norm_epsilon)


class T5EncoderModel(nn.Module):
    """`shared` + `encoder` as in Hugging Face's T5EncoderModel: (input_ids, attention_mask) -> last_hidden_state."""

    def __init__(self, cfg: T5EncoderConfig):
        super().__init__()
        cfg.check()
        self.config = cfg
        self.shared = nn.Embedding(cfg.vocab_size, cfg.d_model)
        self.encoder = T5Stack(cfg)
        self.position_bias = PositionBias(cfg, self.encoder.block[0].layer[0].SelfAttention.relative_attention_bias)

    def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
        return self.run_blocks(self.shared(input_ids), attention_mask, 0, self.config.num_layers, final=True)

    def run_blocks(self, h: torch.Tensor, attention_mask: torch.Tensor, start: int, end: int, final: bool) -> torch.Tensor:
        bias = self.position_bias(h, attention_mask, h.dtype)
        for block in self.encoder.block[start:end]:
            h = block(h, bias)
        return self.encoder.final_layer_norm(h) if final else h


class T5EncoderStage(nn.Module):
    """What one exported graph computes: blocks [start, end) of `model`, from token ids (first stage: `input_ids`) or
    from the previous stage's hidden states, to hidden states (with the final norm in the last stage). The whole
    encoder is the single stage (0, num_layers)."""

    def __init__(self, model: T5EncoderModel, start: int, end: int):
        super().__init__()
        self.model = model
        self.start = start
        self.end = end
        self.first = start == 0
        self.last = end == model.config.num_layers

    def forward(self, x: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
        h = self.model.shared(x) if self.first else x
        return self.model.run_blocks(h, attention_mask, self.start, self.end, final=self.last)


def init_random(model: T5EncoderModel, seed: int, factor: float | None = None, perturb_norms: bool = True) -> None:
    """Seeded random weights with T5's initialisation (factor f = initializer_factor): embedding N(0, f); q
    N(0, f (d_model d_kv)^-0.5), k and v N(0, f d_model^-0.5), o N(0, f (heads d_kv)^-0.5); wi N(0, f d_model^-0.5),
    wo N(0, f d_ff^-0.5); relative bias N(0, f d_model^-0.5); norms 1 -- with `perturb_norms`, 1 + N(0, 0.1), so that
    every parameter affects the golden outputs."""
    cfg = model.config
    f = cfg.initializer_factor if factor is None else factor
    g = torch.Generator().manual_seed(seed)

    def normal(t: torch.Tensor, std: float) -> None:
        t.copy_(torch.randn(t.shape, generator=g) * std)

    with torch.no_grad():
        normal(model.shared.weight, f)
        for block in model.encoder.block:
            att = block.layer[0].SelfAttention
            normal(att.q.weight, f * (cfg.d_model * cfg.d_kv) ** -0.5)
            normal(att.k.weight, f * cfg.d_model ** -0.5)
            normal(att.v.weight, f * cfg.d_model ** -0.5)
            normal(att.o.weight, f * (cfg.num_heads * cfg.d_kv) ** -0.5)
            if hasattr(att, "relative_attention_bias"):
                normal(att.relative_attention_bias.weight, f * cfg.d_model ** -0.5)
            ff = block.layer[1].DenseReluDense
            for name in ("wi", "wi_0", "wi_1"):
                if hasattr(ff, name):
                    normal(getattr(ff, name).weight, f * cfg.d_model ** -0.5)
            normal(ff.wo.weight, f * cfg.d_ff ** -0.5)
        for mod in model.modules():
            if isinstance(mod, T5LayerNorm):
                if perturb_norms:
                    mod.weight.copy_(1 + 0.1 * torch.randn(mod.weight.shape, generator=g))
                else:
                    mod.weight.fill_(1.0)


def hf_parameter_names(cfg: T5EncoderConfig) -> list:
    """The encoder's state-dict keys in Hugging Face's T5 naming for `cfg`, written out independently of the modules
    above so that the export can compare the two."""
    names = ["shared.weight"]
    for i in range(cfg.num_layers):
        p = f"encoder.block.{i}.layer."
        names += [f"{p}0.SelfAttention.{m}.weight" for m in ("q", "k", "v", "o")]
        if i == 0:
            names.append(f"{p}0.SelfAttention.relative_attention_bias.weight")
        names.append(f"{p}0.layer_norm.weight")
        ff = ("wi_0", "wi_1", "wo") if cfg.gated else ("wi", "wo")
        names += [f"{p}1.DenseReluDense.{m}.weight" for m in ff]
        names.append(f"{p}1.layer_norm.weight")
    names.append("encoder.final_layer_norm.weight")
    return names


IGNORED_PREFIXES = ("decoder.", "lm_head.")  # the decoder half of T5ForConditionalGeneration / T5Model
EMBED_ALIAS = "encoder.embed_tokens.weight"  # the shared embedding under the encoder's name (tied)


def load_hf_state_dict(model: T5EncoderModel, sd: dict) -> dict:
    """Loads a Hugging Face T5 state dict (T5EncoderModel, T5Model or T5ForConditionalGeneration) into the encoder by
    name. decoder.* and lm_head.* are ignored; encoder.embed_tokens.weight stands in for a missing shared.weight (and is
    otherwise ignored). Returns {"ignored": [...], "aliased": [...]}. Raises ValueError listing the missing keys, the
    unexpected keys and the shape mismatches when the checkpoint does not fit the configuration."""
    own = model.state_dict()
    ignored, aliased, unexpected, bad_shape = [], [], [], []
    sd = dict(sd)
    if EMBED_ALIAS in sd:
        if "shared.weight" not in sd:
            sd["shared.weight"] = sd.pop(EMBED_ALIAS)
            aliased.append(f"{EMBED_ALIAS} -> shared.weight")
        else:
            sd.pop(EMBED_ALIAS)
            ignored.append(EMBED_ALIAS)
    load = {}
    for k, v in sd.items():
        if k.startswith(IGNORED_PREFIXES):
            ignored.append(k)
            continue
        if k not in own:
            unexpected.append(k)
            continue
        if tuple(v.shape) != tuple(own[k].shape):
            bad_shape.append(f"{k}: checkpoint {tuple(v.shape)} vs model {tuple(own[k].shape)}")
            continue
        load[k] = v.to(own[k].dtype)
    missing = [k for k in own if k not in load and not any(b.startswith(k + ":") for b in bad_shape)]
    if missing or unexpected or bad_shape:
        raise ValueError("checkpoint does not match the T5 encoder configuration:\n"
                         f"  missing keys ({len(missing)}): {missing}\n"
                         f"  unexpected keys ({len(unexpected)}): {unexpected}\n"
                         + (f"  shape mismatches: {bad_shape}\n" if bad_shape else "")
                         + "Check config.json (d_model, d_kv, d_ff, num_layers, num_heads, feed_forward_proj, vocab_size) "
                           "against the checkpoint.")
    model.load_state_dict(load, strict=True)
    return {"ignored": ignored, "aliased": aliased}
