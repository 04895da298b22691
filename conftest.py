"""Fixtures shared by the test folders (models/tests, verif/tests, flow/tests)."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pytest


def _random_llama(
    rng: np.random.Generator, n_layer: int, n_embd: int, n_head: int, n_head_kv: int, n_ff: int,
    vocab: int,
) -> tuple[object, list[dict[str, np.ndarray]]]:  # fmt: skip
    """A tiny llama's config and random blocks (RMSNorm gains near 1, matrices of unit-variance
    outputs), in the llama.cpp names; the caller adds embeddings and tokenizer."""
    from panacea.llm import gguf_model as gm

    def mat(n: int, k: int) -> np.ndarray:
        return (rng.normal(size=(n, k)) / np.sqrt(k)).astype(np.float32)

    def gain() -> np.ndarray:
        return (1 + 0.1 * rng.normal(size=n_embd)).astype(np.float32)

    kv = n_head_kv * n_embd // n_head
    blocks = [
        {
            "attn_norm": gain(),
            "ffn_norm": gain(),
            "attn_q": mat(n_embd, n_embd),
            "attn_k": mat(kv, n_embd),
            "attn_v": mat(kv, n_embd),
            "attn_output": mat(n_embd, n_embd),
            "ffn_gate": mat(n_ff, n_embd),
            "ffn_up": mat(n_ff, n_embd),
            "ffn_down": mat(n_embd, n_ff),
        }
        for _ in range(n_layer)
    ]
    cfg = gm.LlamaConfig(
        n_layer=n_layer, n_embd=n_embd, n_ff=n_ff, n_head=n_head, n_head_kv=n_head_kv,
        n_rot=n_embd // n_head, rope_base=10000.0, rms_eps=1e-5, vocab_size=vocab,
        context_length=256,
    )  # fmt: skip
    return cfg, blocks


@pytest.fixture(scope="session")
def random_llama() -> Callable[..., tuple[object, list[dict[str, np.ndarray]]]]:
    """``random_llama(rng, n_layer, n_embd, n_head, n_head_kv, n_ff, vocab)`` -> (LlamaConfig,
    blocks): the random tiny llama of the accuracy tests."""
    return _random_llama
