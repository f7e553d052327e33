"""Shared base of the dataclass configurations that training scripts read from Hugging Face `config.json` files."""
from __future__ import annotations

import json
from dataclasses import asdict, fields


class JsonConfig:
    """`from_dict` / `from_json` / `to_dict` for a @dataclass configuration: keys the dataclass does not know and null
    values are ignored (Hugging Face configs carry many), then the subclass's `check()` validates the result."""

    @classmethod
    def from_dict(cls, d: dict):
        known = {f.name for f in fields(cls)}
        cfg = cls(**{k: v for k, v in d.items() if k in known and v is not None})
        cfg.check()
        return cfg

    @classmethod
    def from_json(cls, path: str):
        with open(path, encoding="utf-8") as f:
            return cls.from_dict(json.load(f))

    def to_dict(self) -> dict:
        return asdict(self)

    def check(self) -> None:
        """Raises ValueError for an unsupported configuration (nothing by default)."""
