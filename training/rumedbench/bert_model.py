"""A small BERT in plain PyTorch whose parameter names equal Hugging Face `BertModel`'s state-dict names.

Used by `train_bert.py` (pretraining + fine-tuning) and `export_hf_bert.py` (converting HF checkpoints without the
`transformers` package). Semantics follow HF BERT exactly:

- embeddings: word + position (ids 0..L-1) + token type, then LayerNorm and dropout;
- every layer: self-attention written with explicit matmul/softmax (no nn.MultiheadAttention, whose fast path breaks
  ONNX export), the additive mask `(1 - attention_mask) * finfo(float32).min`, post-LayerNorm residual blocks,
  exact (erf) GELU in the feed-forward block;
- pooler: tanh(dense(hidden state of position 0)).

Parameter names (so `load_state_dict` takes HF checkpoints after stripping a leading `bert.`):
    embeddings.{word,position,token_type}_embeddings.weight, embeddings.LayerNorm.{weight,bias},
    encoder.layer.{i}.attention.self.{query,key,value}.{weight,bias},
    encoder.layer.{i}.attention.output.dense.{weight,bias}, encoder.layer.{i}.attention.output.LayerNorm.{weight,bias},
    encoder.layer.{i}.intermediate.dense.{weight,bias},
    encoder.layer.{i}.output.dense.{weight,bias}, encoder.layer.{i}.output.LayerNorm.{weight,bias},
    pooler.dense.{weight,bias}
`BertForRuMed` wraps the encoder as `bert` with `dropout` and `classifier` (HF BertForSequenceClassification /
BertForTokenClassification names); `BertForMaskedLM` adds `cls.predictions.*` (HF BertForMaskedLM names) for
pretraining, with the decoder tied to the word embeddings.
"""
from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass
from typing import Mapping, Optional

import torch
import torch.nn.functional as F
from torch import nn

HEADS = ("encoder", "single", "pair", "token")
POOLINGS = ("cls", "mean", "pooler")


@dataclass
class BertConfig:
    vocab_size: int = 30522
    hidden_size: int = 768
    num_hidden_layers: int = 12
    num_attention_heads: int = 12
    intermediate_size: int = 3072
    max_position_embeddings: int = 512
    type_vocab_size: int = 2
    layer_norm_eps: float = 1e-12
    hidden_dropout_prob: float = 0.1
    attention_probs_dropout_prob: float = 0.1
    hidden_act: str = "gelu"
    pad_token_id: int = 0
    initializer_range: float = 0.02
    # HF BertForSequenceClassification / BertForTokenClassification: None means hidden_dropout_prob
    classifier_dropout: Optional[float] = None

    def __post_init__(self):
        if self.hidden_act != "gelu":
            raise ValueError(
                f"hidden_act {self.hidden_act!r} is not supported: this BERT implements only 'gelu' (exact erf GELU, "
                "as HF BERT's 'gelu'); 'gelu_new'/'gelu_pytorch_tanh'/'relu' checkpoints would compute different outputs"
            )
        if self.hidden_size % self.num_attention_heads != 0:
            raise ValueError(f"hidden_size {self.hidden_size} is not a multiple of num_attention_heads {self.num_attention_heads}")

    @classmethod
    def from_hf_json(cls, d: Mapping[str, object]) -> "BertConfig":
        """Reads an HF `config.json` dict; unknown fields are ignored, unsupported variants raise."""
        pos = d.get("position_embedding_type", "absolute")
        if pos not in (None, "absolute"):
            raise ValueError(f"position_embedding_type {pos!r} is not supported (only 'absolute')")
        if d.get("is_decoder") or d.get("add_cross_attention"):
            raise ValueError("decoder / cross-attention BERT configs are not supported")
        model_type = d.get("model_type")
        if model_type not in (None, "bert"):
            raise ValueError(f"model_type {model_type!r} is not 'bert'")
        names = {f.name for f in dataclasses.fields(cls)}
        kwargs = {k: v for k, v in d.items() if k in names and (v is not None or k == "classifier_dropout")}
        return cls(**kwargs)

    def to_dict(self) -> dict:
        return dataclasses.asdict(self)


class BertEmbeddings(nn.Module):
    def __init__(self, config: BertConfig):
        super().__init__()
        self.word_embeddings = nn.Embedding(config.vocab_size, config.hidden_size, padding_idx=config.pad_token_id)
        self.position_embeddings = nn.Embedding(config.max_position_embeddings, config.hidden_size)
        self.token_type_embeddings = nn.Embedding(config.type_vocab_size, config.hidden_size)
        self.LayerNorm = nn.LayerNorm(config.hidden_size, eps=config.layer_norm_eps)
        self.dropout = nn.Dropout(config.hidden_dropout_prob)
        # not part of the state dict (HF >= 4.31 also keeps it non-persistent; older checkpoints carry it and loaders drop it)
        self.register_buffer("position_ids", torch.arange(config.max_position_embeddings).unsqueeze(0), persistent=False)

    def forward(self, input_ids: torch.Tensor, token_type_ids: torch.Tensor) -> torch.Tensor:
        length = input_ids.shape[1]
        position_ids = self.position_ids[:, :length]
        x = self.word_embeddings(input_ids) + self.token_type_embeddings(token_type_ids) + self.position_embeddings(position_ids)
        return self.dropout(self.LayerNorm(x))


class BertSelfAttention(nn.Module):
    def __init__(self, config: BertConfig):
        super().__init__()
        self.num_heads = config.num_attention_heads
        self.head_size = config.hidden_size // config.num_attention_heads
        self.query = nn.Linear(config.hidden_size, config.hidden_size)
        self.key = nn.Linear(config.hidden_size, config.hidden_size)
        self.value = nn.Linear(config.hidden_size, config.hidden_size)
        self.dropout = nn.Dropout(config.attention_probs_dropout_prob)

    def _split(self, x: torch.Tensor) -> torch.Tensor:
        # [batch, length, hidden] -> [batch, heads, length, head_size]
        return x.reshape(x.shape[0], x.shape[1], self.num_heads, self.head_size).permute(0, 2, 1, 3)

    def forward(self, hidden: torch.Tensor, additive_mask: torch.Tensor) -> torch.Tensor:
        q = self._split(self.query(hidden))
        k = self._split(self.key(hidden))
        v = self._split(self.value(hidden))
        scores = torch.matmul(q, k.transpose(-1, -2)) / math.sqrt(self.head_size)
        scores = scores + additive_mask
        probs = self.dropout(torch.softmax(scores, dim=-1))
        ctx = torch.matmul(probs, v).permute(0, 2, 1, 3)
        return ctx.reshape(ctx.shape[0], ctx.shape[1], self.num_heads * self.head_size)


class BertSelfOutput(nn.Module):
    def __init__(self, config: BertConfig):
        super().__init__()
        self.dense = nn.Linear(config.hidden_size, config.hidden_size)
        self.LayerNorm = nn.LayerNorm(config.hidden_size, eps=config.layer_norm_eps)
        self.dropout = nn.Dropout(config.hidden_dropout_prob)

    def forward(self, hidden: torch.Tensor, residual: torch.Tensor) -> torch.Tensor:
        return self.LayerNorm(self.dropout(self.dense(hidden)) + residual)


class BertAttention(nn.Module):
    def __init__(self, config: BertConfig):
        super().__init__()
        self.self = BertSelfAttention(config)
        self.output = BertSelfOutput(config)

    def forward(self, hidden: torch.Tensor, additive_mask: torch.Tensor) -> torch.Tensor:
        return self.output(self.self(hidden, additive_mask), hidden)


class BertIntermediate(nn.Module):
    def __init__(self, config: BertConfig):
        super().__init__()
        self.dense = nn.Linear(config.hidden_size, config.intermediate_size)

    def forward(self, hidden: torch.Tensor) -> torch.Tensor:
        return F.gelu(self.dense(hidden))  # exact erf GELU (HF "gelu")


class BertOutput(nn.Module):
    def __init__(self, config: BertConfig):
        super().__init__()
        self.dense = nn.Linear(config.intermediate_size, config.hidden_size)
        self.LayerNorm = nn.LayerNorm(config.hidden_size, eps=config.layer_norm_eps)
        self.dropout = nn.Dropout(config.hidden_dropout_prob)

    def forward(self, hidden: torch.Tensor, residual: torch.Tensor) -> torch.Tensor:
        return self.LayerNorm(self.dropout(self.dense(hidden)) + residual)


class BertLayer(nn.Module):
    def __init__(self, config: BertConfig):
        super().__init__()
        self.attention = BertAttention(config)
        self.intermediate = BertIntermediate(config)
        self.output = BertOutput(config)

    def forward(self, hidden: torch.Tensor, additive_mask: torch.Tensor) -> torch.Tensor:
        attn = self.attention(hidden, additive_mask)
        return self.output(self.intermediate(attn), attn)


class BertEncoder(nn.Module):
    def __init__(self, config: BertConfig):
        super().__init__()
        self.layer = nn.ModuleList([BertLayer(config) for _ in range(config.num_hidden_layers)])

    def forward(self, hidden: torch.Tensor, additive_mask: torch.Tensor) -> torch.Tensor:
        for layer in self.layer:
            hidden = layer(hidden, additive_mask)
        return hidden


class BertPooler(nn.Module):
    def __init__(self, config: BertConfig):
        super().__init__()
        self.dense = nn.Linear(config.hidden_size, config.hidden_size)

    def forward(self, hidden: torch.Tensor) -> torch.Tensor:
        return torch.tanh(self.dense(hidden[:, 0]))


def extended_attention_mask(attention_mask: torch.Tensor, dtype: torch.dtype = torch.float32) -> torch.Tensor:
    """[batch, length] 1/0 -> [batch, 1, 1, length] additive mask: 0 where attended, finfo(dtype).min where masked."""
    m = attention_mask[:, None, None, :].to(dtype)
    return (1.0 - m) * torch.finfo(dtype).min


class BertModel(nn.Module):
    """HF `BertModel`: `forward` returns (last_hidden_state, pooled or None)."""

    def __init__(self, config: BertConfig, add_pooling_layer: bool = True):
        super().__init__()
        self.config = config
        self.embeddings = BertEmbeddings(config)
        self.encoder = BertEncoder(config)
        self.pooler = BertPooler(config) if add_pooling_layer else None
        self.apply(lambda m: init_weights(m, config))

    def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor, token_type_ids: torch.Tensor):
        hidden = self.encoder(self.embeddings(input_ids, token_type_ids), extended_attention_mask(attention_mask))
        pooled = self.pooler(hidden) if self.pooler is not None else None
        return hidden, pooled


def init_weights(module: nn.Module, config: BertConfig) -> None:
    """HF BertPreTrainedModel._init_weights: N(0, initializer_range) weights, zero biases, LayerNorm (1, 0)."""
    if isinstance(module, nn.Linear):
        module.weight.data.normal_(0.0, config.initializer_range)
        if module.bias is not None:
            module.bias.data.zero_()
    elif isinstance(module, nn.Embedding):
        module.weight.data.normal_(0.0, config.initializer_range)
        if module.padding_idx is not None:
            module.weight.data[module.padding_idx].zero_()
    elif isinstance(module, nn.LayerNorm):
        module.weight.data.fill_(1.0)
        module.bias.data.zero_()


def mean_pool(hidden: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
    """Mean of `hidden` [batch, length, hidden] over positions where attention_mask == 1."""
    m = attention_mask.to(hidden.dtype).unsqueeze(-1)
    return (hidden * m).sum(dim=1) / m.sum(dim=1).clamp(min=1.0)


class BertForRuMed(nn.Module):
    """Encoder + head. head: 'encoder' -> last_hidden_state [B, L, H]; 'single'/'pair' -> logits [B, C] from the
    pooled vector ('cls' | 'mean' | 'pooler'); 'token' -> logits [B, L, C] on every position."""

    def __init__(self, config: BertConfig, head: str, pooling: Optional[str] = None, num_labels: int = 0):
        super().__init__()
        if head not in HEADS:
            raise ValueError(f"head must be one of {HEADS}, got {head!r}")
        if head in ("single", "pair"):
            if pooling not in POOLINGS:
                raise ValueError(f"pooling must be one of {POOLINGS} for head {head!r}, got {pooling!r}")
        else:
            pooling = None
        if head != "encoder" and num_labels < 1:
            raise ValueError(f"head {head!r} needs num_labels >= 1")
        self.config = config
        self.head = head
        self.pooling = pooling
        self.num_labels = num_labels
        # HF BertForTokenClassification builds BertModel(add_pooling_layer=False); sequence classifiers keep the pooler
        self.bert = BertModel(config, add_pooling_layer=pooling == "pooler")
        if head != "encoder":
            p = config.classifier_dropout if config.classifier_dropout is not None else config.hidden_dropout_prob
            self.dropout = nn.Dropout(p)
            self.classifier = nn.Linear(config.hidden_size, num_labels)
            init_weights(self.classifier, config)

    def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor, token_type_ids: torch.Tensor) -> torch.Tensor:
        hidden, pooled = self.bert(input_ids, attention_mask, token_type_ids)
        if self.head == "encoder":
            return hidden
        if self.head == "token":
            return self.classifier(self.dropout(hidden))
        if self.pooling == "cls":
            vec = hidden[:, 0]
        elif self.pooling == "mean":
            vec = mean_pool(hidden, attention_mask)
        else:
            vec = pooled
        return self.classifier(self.dropout(vec))


class BertPredictionHeadTransform(nn.Module):
    def __init__(self, config: BertConfig):
        super().__init__()
        self.dense = nn.Linear(config.hidden_size, config.hidden_size)
        self.LayerNorm = nn.LayerNorm(config.hidden_size, eps=config.layer_norm_eps)

    def forward(self, hidden: torch.Tensor) -> torch.Tensor:
        return self.LayerNorm(F.gelu(self.dense(hidden)))


class BertLMPredictionHead(nn.Module):
    """`cls.predictions`: transform, then a decoder whose weight is the word-embedding matrix (tied) plus `bias`."""

    def __init__(self, config: BertConfig):
        super().__init__()
        self.transform = BertPredictionHeadTransform(config)
        self.bias = nn.Parameter(torch.zeros(config.vocab_size))

    def forward(self, hidden: torch.Tensor, word_embeddings: torch.Tensor) -> torch.Tensor:
        return F.linear(self.transform(hidden), word_embeddings, self.bias)


class BertMlmHead(nn.Module):
    """HF BertOnlyMLMHead: holds `predictions` so the keys read `cls.predictions.*` under BertForMaskedLM."""

    def __init__(self, config: BertConfig):
        super().__init__()
        self.predictions = BertLMPredictionHead(config)
        self.apply(lambda m: init_weights(m, config))

    def forward(self, hidden: torch.Tensor, word_embeddings: torch.Tensor) -> torch.Tensor:
        return self.predictions(hidden, word_embeddings)


class BertForMaskedLM(nn.Module):
    """Pretraining model: `bert` (no pooler, as HF BertForMaskedLM) + `cls` (MLM head tied to the word embeddings)."""

    def __init__(self, config: BertConfig):
        super().__init__()
        self.config = config
        self.bert = BertModel(config, add_pooling_layer=False)
        self.cls = BertMlmHead(config)

    def forward(self, input_ids, attention_mask, token_type_ids, masked_positions: Optional[torch.Tensor] = None):
        """Vocabulary logits; with `masked_positions` (bool [B, L]) only for those positions ([n_masked, V]),
        which skips the vocabulary projection everywhere else."""
        hidden, _ = self.bert(input_ids, attention_mask, token_type_ids)
        if masked_positions is not None:
            hidden = hidden[masked_positions]
        return self.cls(hidden, self.bert.embeddings.word_embeddings.weight)
