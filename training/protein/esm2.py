"""ESM-2 in plain PyTorch, with the parameter names of Hugging Face's `EsmForMaskedLM` / `EsmModel` checkpoints, so
that their state dicts load without the `transformers` package (written from the published architecture; no code
copied).

Names (prefix `esm.` as in EsmForMaskedLM; an `EsmModel` checkpoint has the same keys without it):

    esm.embeddings.word_embeddings.weight                         [vocab, H]   (padding_idx = pad_token_id)
    esm.encoder.layer.{i}.attention.self.{query,key,value}.{weight,bias}
    esm.encoder.layer.{i}.attention.self.rotary_embeddings.inv_freq   buffer [head_dim / 2]
    esm.encoder.layer.{i}.attention.output.dense.{weight,bias}
    esm.encoder.layer.{i}.attention.LayerNorm.{weight,bias}       pre-LN of the attention block
    esm.encoder.layer.{i}.intermediate.dense.{weight,bias}
    esm.encoder.layer.{i}.output.dense.{weight,bias}
    esm.encoder.layer.{i}.LayerNorm.{weight,bias}                 pre-LN of the feed-forward block
    esm.encoder.emb_layer_norm_after.{weight,bias}
    esm.contact_head.regression.{weight,bias}                     (kept for the names; not used by forward)
    lm_head.dense.{weight,bias}, lm_head.layer_norm.{weight,bias}, lm_head.decoder.weight (tied), lm_head.bias

Semantics (Hugging Face EsmModel with position_embedding_type "rotary", the ESM-2 setting):
- embeddings = word_embeddings(input_ids); with token_dropout, rows of <mask> are zeroed and every row is scaled by
  (1 - 0.15 * 0.8) / (1 - n_mask / n_tokens) per sequence (n_tokens = attention_mask.sum(-1)), at inference too: with
  no <mask> the scale is 0.88. An optional LayerNorm (emb_layer_norm_before), then padded positions are zeroed
  (embeddings * attention_mask[..., None]).
- each layer: h = h + Wo(attn(LN_a(h))); h = h + W2(gelu(W1(LN_f(h)))), gelu the exact erf form;
- attention: q, k, v per head; q *= head_dim ** -0.5, THEN rotary on q and k (positions 0..L-1 of the padded row,
  inv_freq = 1 / 10000 ** (arange(0, d, 2) / d), cos/sin of cat(freqs, freqs), rotate_half(x) = cat(-x2, x1) over the
  two halves of the head dimension); scores + (1 - mask) * finfo(float32).min over keys; softmax; dropout (off at eval).
- after the last layer: emb_layer_norm_after -> last_hidden_state.
- lm_head: decoder(layer_norm(gelu(dense(h)))) + bias -> logits.

Dynamic batch and length export cleanly (no cached cos/sin tables, no scatter ops).
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

MASK_RATIO_TRAIN = 0.15 * 0.8


@dataclass
class EsmConfig(JsonConfig):
    vocab_size: int = 33
    hidden_size: int = 320
    num_hidden_layers: int = 6
    num_attention_heads: int = 20
    intermediate_size: int = 1280
    hidden_act: str = "gelu"
    hidden_dropout_prob: float = 0.0
    attention_probs_dropout_prob: float = 0.0
    max_position_embeddings: int = 1026
    initializer_range: float = 0.02
    layer_norm_eps: float = 1e-5
    position_embedding_type: str = "rotary"
    emb_layer_norm_before: bool = False
    token_dropout: bool = True
    pad_token_id: int = 1
    mask_token_id: int = 32

    def check(self) -> None:
        if self.position_embedding_type != "rotary":
            raise ValueError(
                f"position_embedding_type {self.position_embedding_type!r} is not supported: this implementation covers "
                "ESM-2 (rotary); ESM-1b/ESM-1v (absolute positions) are not implemented")
        if self.hidden_act != "gelu":
            raise ValueError(f"hidden_act {self.hidden_act!r} is not supported (ESM uses the exact erf 'gelu')")
        if self.hidden_size % self.num_attention_heads:
            raise ValueError(f"hidden_size {self.hidden_size} is not a multiple of num_attention_heads {self.num_attention_heads}")
        if (self.hidden_size // self.num_attention_heads) % 2:
            raise ValueError("the head dimension must be even for rotary embeddings")


def gelu(x: torch.Tensor) -> torch.Tensor:
    """The exact (erf) GELU that ESM uses."""
    return x * 0.5 * (1.0 + torch.erf(x / math.sqrt(2.0)))


def rotate_half(x: torch.Tensor) -> torch.Tensor:
    half = x.shape[-1] // 2
    x1, x2 = x[..., :half], x[..., half:]
    return torch.cat((-x2, x1), dim=-1)


class RotaryEmbedding(nn.Module):
    """Rotary position embedding over the head dimension, ESM convention (halves, not interleaved pairs)."""

    def __init__(self, dim: int):
        super().__init__()
        inv_freq = 1.0 / (10000 ** (torch.arange(0, dim, 2, dtype=torch.int64).float() / dim))
        self.register_buffer("inv_freq", inv_freq)  # persistent: Hugging Face checkpoints hold it

    def forward(self, q: torch.Tensor, k: torch.Tensor):
        # q, k: [B, heads, L, d]; positions 0..L-1
        t = torch.arange(k.shape[-2], device=k.device).type_as(self.inv_freq)
        freqs = t[:, None] * self.inv_freq[None, :]
        emb = torch.cat((freqs, freqs), dim=-1)
        cos = emb.cos()[None, None, :, :]
        sin = emb.sin()[None, None, :, :]
        return (q * cos + rotate_half(q) * sin).to(q.dtype), (k * cos + rotate_half(k) * sin).to(k.dtype)


class EsmEmbeddings(nn.Module):
    def __init__(self, cfg: EsmConfig):
        super().__init__()
        self.word_embeddings = nn.Embedding(cfg.vocab_size, cfg.hidden_size, padding_idx=cfg.pad_token_id)
        self.layer_norm = nn.LayerNorm(cfg.hidden_size, eps=cfg.layer_norm_eps) if cfg.emb_layer_norm_before else None
        self.dropout = nn.Dropout(cfg.hidden_dropout_prob)
        self.token_dropout = cfg.token_dropout
        self.mask_token_id = cfg.mask_token_id

    def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
        emb = self.word_embeddings(input_ids)
        if self.token_dropout:
            is_mask = (input_ids == self.mask_token_id)
            emb = emb.masked_fill(is_mask.unsqueeze(-1), 0.0)
            src_lengths = attention_mask.sum(-1)
            observed = is_mask.sum(-1).float() / src_lengths
            emb = (emb * (1 - MASK_RATIO_TRAIN) / (1 - observed)[:, None, None]).to(emb.dtype)
        if self.layer_norm is not None:
            emb = self.layer_norm(emb)
        emb = (emb * attention_mask.unsqueeze(-1)).to(emb.dtype)
        return self.dropout(emb)


class EsmSelfAttention(nn.Module):
    def __init__(self, cfg: EsmConfig):
        super().__init__()
        self.heads = cfg.num_attention_heads
        self.head_dim = cfg.hidden_size // cfg.num_attention_heads
        self.query = nn.Linear(cfg.hidden_size, cfg.hidden_size)
        self.key = nn.Linear(cfg.hidden_size, cfg.hidden_size)
        self.value = nn.Linear(cfg.hidden_size, cfg.hidden_size)
        self.dropout = nn.Dropout(cfg.attention_probs_dropout_prob)
        self.rotary_embeddings = RotaryEmbedding(self.head_dim)

    def _split(self, x: torch.Tensor) -> torch.Tensor:
        b, l, _ = x.shape
        return x.view(b, l, self.heads, self.head_dim).permute(0, 2, 1, 3)

    def forward(self, h: torch.Tensor, additive_mask: torch.Tensor) -> torch.Tensor:
        q = self._split(self.query(h)) * self.head_dim ** -0.5
        k = self._split(self.key(h))
        v = self._split(self.value(h))
        q, k = self.rotary_embeddings(q, k)
        scores = torch.matmul(q, k.transpose(-1, -2)) + additive_mask
        probs = self.dropout(torch.softmax(scores, dim=-1))
        ctx = torch.matmul(probs, v).permute(0, 2, 1, 3).contiguous()
        return ctx.view(ctx.shape[0], ctx.shape[1], self.heads * self.head_dim)


class EsmSelfOutput(nn.Module):
    def __init__(self, cfg: EsmConfig):
        super().__init__()
        self.dense = nn.Linear(cfg.hidden_size, cfg.hidden_size)
        self.dropout = nn.Dropout(cfg.hidden_dropout_prob)

    def forward(self, x: torch.Tensor, residual: torch.Tensor) -> torch.Tensor:
        return self.dropout(self.dense(x)) + residual


class EsmAttention(nn.Module):
    def __init__(self, cfg: EsmConfig):
        super().__init__()
        self.self = EsmSelfAttention(cfg)
        self.output = EsmSelfOutput(cfg)
        self.LayerNorm = nn.LayerNorm(cfg.hidden_size, eps=cfg.layer_norm_eps)

    def forward(self, h: torch.Tensor, additive_mask: torch.Tensor) -> torch.Tensor:
        return self.output(self.self(self.LayerNorm(h), additive_mask), h)


class EsmIntermediate(nn.Module):
    def __init__(self, cfg: EsmConfig):
        super().__init__()
        self.dense = nn.Linear(cfg.hidden_size, cfg.intermediate_size)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return gelu(self.dense(x))


class EsmOutput(nn.Module):
    def __init__(self, cfg: EsmConfig):
        super().__init__()
        self.dense = nn.Linear(cfg.intermediate_size, cfg.hidden_size)
        self.dropout = nn.Dropout(cfg.hidden_dropout_prob)

    def forward(self, x: torch.Tensor, residual: torch.Tensor) -> torch.Tensor:
        return self.dropout(self.dense(x)) + residual


class EsmLayer(nn.Module):
    def __init__(self, cfg: EsmConfig):
        super().__init__()
        self.attention = EsmAttention(cfg)
        self.intermediate = EsmIntermediate(cfg)
        self.output = EsmOutput(cfg)
        self.LayerNorm = nn.LayerNorm(cfg.hidden_size, eps=cfg.layer_norm_eps)

    def forward(self, h: torch.Tensor, additive_mask: torch.Tensor) -> torch.Tensor:
        a = self.attention(h, additive_mask)
        return self.output(self.intermediate(self.LayerNorm(a)), a)


class EsmEncoder(nn.Module):
    def __init__(self, cfg: EsmConfig):
        super().__init__()
        self.layer = nn.ModuleList([EsmLayer(cfg) for _ in range(cfg.num_hidden_layers)])
        self.emb_layer_norm_after = nn.LayerNorm(cfg.hidden_size, eps=cfg.layer_norm_eps)

    def forward(self, h: torch.Tensor, additive_mask: torch.Tensor) -> torch.Tensor:
        for layer in self.layer:
            h = layer(h, additive_mask)
        return self.emb_layer_norm_after(h)


class EsmContactPredictionHead(nn.Module):
    """Only for the checkpoint names (`esm.contact_head.regression.*`); contact prediction is not implemented."""

    def __init__(self, in_features: int):
        super().__init__()
        self.regression = nn.Linear(in_features, 1)


class EsmModel(nn.Module):
    def __init__(self, cfg: EsmConfig):
        super().__init__()
        cfg.check()
        self.config = cfg
        self.embeddings = EsmEmbeddings(cfg)
        self.encoder = EsmEncoder(cfg)
        self.contact_head = EsmContactPredictionHead(cfg.num_hidden_layers * cfg.num_attention_heads)

    def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
        h = self.embeddings(input_ids, attention_mask)
        # Hugging Face's extended mask: 0 on tokens, the most negative float32 on padding, broadcast over heads/queries
        additive = (1.0 - attention_mask[:, None, None, :].to(h.dtype)) * torch.finfo(h.dtype).min
        return self.encoder(h, additive)


class EsmLMHead(nn.Module):
    def __init__(self, cfg: EsmConfig):
        super().__init__()
        self.dense = nn.Linear(cfg.hidden_size, cfg.hidden_size)
        self.layer_norm = nn.LayerNorm(cfg.hidden_size, eps=cfg.layer_norm_eps)
        self.decoder = nn.Linear(cfg.hidden_size, cfg.vocab_size, bias=False)
        self.bias = nn.Parameter(torch.zeros(cfg.vocab_size))

    def forward(self, h: torch.Tensor) -> torch.Tensor:
        return self.decoder(self.layer_norm(gelu(self.dense(h)))) + self.bias


class EsmForMaskedLM(nn.Module):
    """`esm` + `lm_head` as Hugging Face's EsmForMaskedLM; `lm_head.decoder.weight` is tied to the word embeddings."""

    def __init__(self, cfg: EsmConfig):
        super().__init__()
        self.esm = EsmModel(cfg)
        self.lm_head = EsmLMHead(cfg)
        self.tie_weights()

    def tie_weights(self) -> None:
        self.lm_head.decoder.weight = self.esm.embeddings.word_embeddings.weight

    def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor):
        h = self.esm(input_ids, attention_mask)
        return h, self.lm_head(h)


class EsmExport(nn.Module):
    """What is exported: (input_ids, attention_mask) int64 [B, L] -> last_hidden_state [B, L, H] (+ logits [B, L, V])."""

    def __init__(self, model: EsmForMaskedLM, logits: bool):
        super().__init__()
        self.model = model
        self.logits = logits

    def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor):
        h, logits = self.model(input_ids, attention_mask)
        return (h, logits) if self.logits else h


def init_random(model: EsmForMaskedLM, seed: int, std: float | None = None, perturb_norms: bool = True) -> None:
    """Seeded random weights: Hugging Face's initialisation (linear and embedding weights N(0, std), std defaulting to
    initializer_range; the padding row zero), plus -- with `perturb_norms` -- LayerNorm weights 1 + N(0, 0.1), and
    LayerNorm and linear biases N(0, 0.02), so that every parameter affects the golden outputs."""
    cfg = model.esm.config
    std = cfg.initializer_range if std is None else std
    g = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for name, mod in model.named_modules():
            if isinstance(mod, nn.Linear):
                mod.weight.copy_(torch.randn(mod.weight.shape, generator=g) * std)
                if mod.bias is not None:
                    mod.bias.copy_(torch.randn(mod.bias.shape, generator=g) * 0.02 if perturb_norms else torch.zeros_like(mod.bias))
            elif isinstance(mod, nn.Embedding):
                mod.weight.copy_(torch.randn(mod.weight.shape, generator=g) * std)
                if mod.padding_idx is not None:
                    mod.weight[mod.padding_idx].zero_()
            elif isinstance(mod, nn.LayerNorm):
                if perturb_norms:
                    mod.weight.copy_(1 + 0.1 * torch.randn(mod.weight.shape, generator=g))
                    mod.bias.copy_(0.02 * torch.randn(mod.bias.shape, generator=g))
                else:
                    mod.weight.fill_(1.0)
                    mod.bias.zero_()
        model.lm_head.bias.copy_(torch.randn(model.lm_head.bias.shape, generator=g) * 0.02 if perturb_norms else torch.zeros_like(model.lm_head.bias))
    model.tie_weights()


def hf_parameter_names(cfg: EsmConfig) -> list:
    """The state-dict keys of Hugging Face's EsmForMaskedLM (rotary, no pooler) for `cfg`, written out independently
    of the modules above so that a test can compare the two."""
    names = ["esm.embeddings.word_embeddings.weight"]
    if cfg.emb_layer_norm_before:
        names += ["esm.embeddings.layer_norm.weight", "esm.embeddings.layer_norm.bias"]
    for i in range(cfg.num_hidden_layers):
        p = f"esm.encoder.layer.{i}."
        for lin in ("attention.self.query", "attention.self.key", "attention.self.value", "attention.output.dense",
                    "intermediate.dense", "output.dense"):
            names += [p + lin + ".weight", p + lin + ".bias"]
        names += [p + "attention.self.rotary_embeddings.inv_freq"]
        names += [p + "attention.LayerNorm.weight", p + "attention.LayerNorm.bias", p + "LayerNorm.weight", p + "LayerNorm.bias"]
    names += ["esm.encoder.emb_layer_norm_after.weight", "esm.encoder.emb_layer_norm_after.bias",
              "esm.contact_head.regression.weight", "esm.contact_head.regression.bias",
              "lm_head.dense.weight", "lm_head.dense.bias", "lm_head.layer_norm.weight", "lm_head.layer_norm.bias",
              "lm_head.decoder.weight", "lm_head.bias"]
    return names


# Keys of real checkpoints that this implementation has no use for (accepted and listed when loading).
IGNORED_KEY_PATTERNS = (
    "esm.embeddings.position_ids",            # buffer of some transformers versions
    "esm.embeddings.position_embeddings.weight",  # created but unused with rotary positions in some versions
    "esm.pooler.",                             # EsmModel(add_pooling_layer=True)
)


def normalize_hf_keys(sd: dict) -> dict:
    """EsmModel checkpoints have no `esm.` prefix; EsmForMaskedLM ones do. Returns keys in the EsmForMaskedLM form."""
    out = {}
    for k, v in sd.items():
        if k.startswith("esm.") or k.startswith("lm_head."):
            out[k] = v
        else:
            out["esm." + k] = v
    return out


def load_hf_state_dict(model: EsmForMaskedLM, sd: dict) -> dict:
    """Loads a Hugging Face ESM state dict by name. Returns {"ignored": [...], "defaulted": [...]}.

    Missing `lm_head.*` (an EsmModel checkpoint) leaves the head random and is reported; a missing
    `lm_head.decoder.weight` is tied to the word embeddings; missing rotary `inv_freq` buffers are computed. Any other
    missing key, an unexpected key, or a shape mismatch raises with the lists."""
    sd = normalize_hf_keys(sd)
    own = model.state_dict()
    ignored, defaulted, unexpected, bad_shape = [], [], [], []
    load = {}
    for k, v in sd.items():
        if any(k == p or (p.endswith(".") and k.startswith(p)) for p in IGNORED_KEY_PATTERNS):
            ignored.append(k)
            continue
        if k not in own:
            unexpected.append(k)
            continue
        if tuple(v.shape) != tuple(own[k].shape):
            bad_shape.append(f"{k}: checkpoint {tuple(v.shape)} vs model {tuple(own[k].shape)}")
            continue
        load[k] = v.to(own[k].dtype)
    missing = [k for k in own if k not in load]
    hard_missing = []
    for k in missing:
        if k.endswith("rotary_embeddings.inv_freq") or k == "lm_head.decoder.weight" or k.startswith("esm.contact_head."):
            defaulted.append(k)
        elif k.startswith("lm_head."):
            defaulted.append(k)
        else:
            hard_missing.append(k)
    if unexpected or bad_shape or hard_missing:
        raise ValueError("checkpoint does not match the ESM-2 configuration:\n"
                         + (f"  missing: {hard_missing}\n" if hard_missing else "")
                         + (f"  unexpected: {unexpected}\n" if unexpected else "")
                         + (f"  shape mismatch: {bad_shape}\n" if bad_shape else ""))
    for k, v in load.items():
        if k.endswith("rotary_embeddings.inv_freq"):
            expect = own[k]
            if not torch.allclose(v.float(), expect, rtol=1e-6, atol=0):
                raise ValueError(f"{k} differs from 1 / 10000 ** (arange(0, d, 2) / d); not an ESM-2 rotary embedding")
    decoder = load.pop("lm_head.decoder.weight", None)
    model.load_state_dict(load, strict=False)
    model.tie_weights()
    if decoder is not None and not torch.equal(decoder, model.esm.embeddings.word_embeddings.weight.detach()):
        model.lm_head.decoder.weight = nn.Parameter(decoder.clone())  # an untied checkpoint: keep its own decoder
        defaulted.append("(lm_head.decoder.weight untied: differs from the word embeddings)")
    return {"ignored": ignored, "defaulted": defaulted}
