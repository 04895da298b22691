"""Numpy forward pass of the llama architecture, with every linear layer behind a hook.

Per block: ``h = x + attn_output(attention(rope(q), rope(k), v))`` on the RMS-normed input,
then ``x = h + ffn_down(silu(ffn_gate(n)) * ffn_up(n))`` on the RMS-normed ``h``; a final
RMSNorm and the output projection (tied to the token embedding when the file has no output
matrix). Attention is causal and grouped-query (query head ``j`` reads key/value head
``j // (n_head / n_head_kv)``). RoPE rotates *adjacent* pairs ``(2i, 2i+1)`` by
``pos * base^(-2i / n_rot)``: that is llama.cpp's layout for GGUF-stored Q/K (its converter
permutes the rows of each head so that this equals Hugging Face's rotate-half on the original
weights).

Every linear layer is computed by ``linear(name, x)`` with ``name = "blk.<i>.<attn_q|...>"``
and ``x`` the (rows, K) float32 input, so a quantization scheme replaces only that call. Rows
are the tokens of all sequences of a batch (``B * L``); attention runs per sequence.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import numpy.typing as npt

from .gguf_model import F32, LlamaWeights

LinearFn = Callable[[str, F32], F32]


def rms_norm(x: F32, weight: F32, eps: float) -> F32:
    """``x / sqrt(mean(x^2) + eps) * weight`` over the last axis."""
    ms = np.mean(np.square(x, dtype=np.float32), axis=-1, keepdims=True)
    return (x / np.sqrt(ms + np.float32(eps)) * weight).astype(np.float32)


def rope_tables(n_pos: int, n_rot: int, base: float) -> tuple[F32, F32]:
    """``cos``/``sin`` (n_pos, n_rot/2) of the angles ``pos * base^(-2i/n_rot)``."""
    inv = base ** (-np.arange(0, n_rot, 2, dtype=np.float64) / n_rot)
    ang = np.arange(n_pos, dtype=np.float64)[:, None] * inv[None, :]
    return np.cos(ang).astype(np.float32), np.sin(ang).astype(np.float32)


def apply_rope(x: F32, cos: F32, sin: F32) -> F32:
    """Rotate adjacent pairs of the first ``2 * cos.shape[1]`` dims of ``x`` (B, L, H, d)."""
    n = 2 * cos.shape[1]
    c, s = cos[None, :, None, :], sin[None, :, None, :]
    x0, x1 = x[..., 0:n:2], x[..., 1:n:2]
    out = x.copy()
    out[..., 0:n:2] = x0 * c - x1 * s
    out[..., 1:n:2] = x0 * s + x1 * c
    return out


def float_linear(weights: LlamaWeights) -> LinearFn:
    """The FP32 reference: ``x @ W^T`` in float32."""

    def lin(name: str, x: F32) -> F32:
        return x @ weights.linear(name).T

    return lin


def attention(q: F32, k: F32, v: F32, n_rep: int) -> F32:
    """Causal grouped-query attention; q (B, L, H, d), k/v (B, L, Hkv, d) -> (B, L, H*d)."""
    b, l, h, d = q.shape
    qt = np.ascontiguousarray((q * np.float32(1.0 / np.sqrt(d))).transpose(0, 2, 1, 3))
    kt = np.ascontiguousarray(np.repeat(k, n_rep, axis=2).transpose(0, 2, 3, 1))  # (B,H,d,L)
    vt = np.ascontiguousarray(np.repeat(v, n_rep, axis=2).transpose(0, 2, 1, 3))  # (B,H,L,d)
    s = np.matmul(qt, kt)  # (B,H,L,L)
    s += np.triu(np.full((l, l), -np.inf, np.float32), 1)
    s -= s.max(axis=-1, keepdims=True)
    np.exp(s, out=s)
    s /= s.sum(axis=-1, keepdims=True)
    return np.matmul(s, vt).transpose(0, 2, 1, 3).reshape(b, l, h * d)


def forward(
    weights: LlamaWeights,
    tokens: npt.NDArray[np.integer],
    linear: LinearFn | None = None,
    progress: Callable[[int], None] | None = None,
) -> F32:
    """Final normed hidden states (B, L, D) of ``tokens`` (B, L); see the module docstring.

    ``progress(i)`` is called after block ``i``.
    """
    cfg = weights.config
    lin = linear or float_linear(weights)
    tok = np.asarray(tokens)
    if tok.ndim != 2 or tok.size == 0:
        raise ValueError(f"tokens must be a non-empty (B, L) array, got shape {tok.shape}")
    if tok.min() < 0 or tok.max() >= cfg.vocab_size:
        raise ValueError(f"token ids must be in [0, {cfg.vocab_size - 1}]")
    b, l = tok.shape
    hd, n_rep = cfg.head_dim, cfg.n_head // cfg.n_head_kv
    cos, sin = rope_tables(l, cfg.n_rot, cfg.rope_base)
    x = weights.tok_embd[tok.reshape(-1)].astype(np.float32)
    for i, blk in enumerate(weights.blocks):
        pre = f"blk.{i}."
        h = rms_norm(x, blk["attn_norm"], cfg.rms_eps)
        q = lin(pre + "attn_q", h).reshape(b, l, cfg.n_head, hd)
        k = lin(pre + "attn_k", h).reshape(b, l, cfg.n_head_kv, hd)
        v = lin(pre + "attn_v", h).reshape(b, l, cfg.n_head_kv, hd)
        a = attention(apply_rope(q, cos, sin), apply_rope(k, cos, sin), v, n_rep)
        x = x + lin(pre + "attn_output", a.reshape(b * l, -1))
        h = rms_norm(x, blk["ffn_norm"], cfg.rms_eps)
        g = lin(pre + "ffn_gate", h)
        u = lin(pre + "ffn_up", h)
        act = (g / (1.0 + np.exp(-g)) * u).astype(np.float32)
        x = x + lin(pre + "ffn_down", act)
        if progress is not None:
            progress(i)
    return rms_norm(x, weights.output_norm, cfg.rms_eps).reshape(b, l, -1)


def logits(weights: LlamaWeights, hidden: F32) -> F32:
    """Output projection ``hidden @ output^T`` (..., vocab)."""
    return hidden @ weights.output.T


def target_logprobs(
    weights: LlamaWeights, hidden: F32, targets: npt.NDArray[np.integer], chunk: int = 512
) -> npt.NDArray[np.float64]:
    """``log p(targets[i] | hidden[i])`` for flattened rows, in chunks (logits are large)."""
    hf = hidden.reshape(-1, hidden.shape[-1])
    tf = np.asarray(targets).reshape(-1)
    out = np.empty(tf.shape[0], np.float64)
    for s in range(0, tf.shape[0], chunk):
        z = logits(weights, hf[s : s + chunk]).astype(np.float64)
        zmax = z.max(axis=1, keepdims=True)
        lse = np.log(np.exp(z - zmax).sum(axis=1)) + zmax[:, 0]
        out[s : s + chunk] = z[np.arange(z.shape[0]), tf[s : s + chunk]] - lse
    return out
