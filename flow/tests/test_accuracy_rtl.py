"""``panacea accuracy --rtl-check LAYER`` on a tiny random llama built here: a real layer's
GEMM of the run replayed on the RTL matches the numpy path byte for byte (and a wrong numpy
result is caught), and bad requests give one error line."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from panacea.llm import gguf_model as gm

from flow.accuracy_rtl import RtlCheckError, RtlJob, check_on_rtl, rtl_job
from flow.cli import main as cli_main

N_LAYER, N_EMBD, N_HEAD, N_HEAD_KV, N_FF, VOCAB = 2, 32, 4, 2, 48, 64
ROWS = 32


def tiny_llama(random_llama, seed: int = 0) -> gm.LlamaWeights:
    """Random llama weights (the RoPE layout does not matter for a replay check)."""
    rng = np.random.default_rng(seed)
    cfg, blocks = random_llama(rng, N_LAYER, N_EMBD, N_HEAD, N_HEAD_KV, N_FF, VOCAB)
    emb = rng.normal(size=(VOCAB, N_EMBD)).astype(np.float32)
    gain = (1 + 0.1 * rng.normal(size=N_EMBD)).astype(np.float32)
    tok = gm.TokenizerMeta(
        model="gpt2", pre="smollm", tokens=[f"t{i}" for i in range(VOCAB)], merges=[],
        token_types=[1] * VOCAB,
    )  # fmt: skip
    return gm.LlamaWeights(
        config=cfg, tok_embd=emb, output_norm=gain, output=emb, blocks=blocks, tokenizer=tok,
        name="tiny-llama",
    )  # fmt: skip


@pytest.fixture(scope="module")
def tiny(random_llama) -> tuple[gm.LlamaWeights, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(5)
    return tiny_llama(random_llama), rng.integers(0, VOCAB, 48), rng.integers(0, VOCAB, 40)


def test_real_layer_on_the_rtl_matches_the_numpy_path(tiny: tuple) -> None:
    w, cal, ev = tiny
    rj = rtl_job(w, "asym-zpm-dbs", "blk.1.ffn_down", cal, ev, rows=ROWS)
    job = rj.job
    assert (job.M, job.N, job.K) == (ROWS, N_EMBD, N_FF) and not job.per_row
    # the numpy path's result is the exact integer GEMM of the captured operands
    want = (job.x.astype(np.int64) - int(job.z)) @ job.w.astype(np.int64).T
    np.testing.assert_array_equal(rj.y, want)
    res = check_on_rtl(rj, "verilator")
    assert res["bytes_match"] and res["pass"], res["problems"]
    assert res["output_bytes"] == ROWS * N_EMBD * 4 and res["differing_outputs"] == 0
    assert res["counters"]["TILES"] == res["model_counters"]["TILES"] == 4 * 4


def test_per_row_layer_on_the_rtl_matches_the_numpy_path(tiny: tuple) -> None:
    w, cal, ev = tiny
    rj = rtl_job(w, "row-zpm-dbs", "blk.0.attn_q", cal, ev, rows=ROWS)
    job = rj.job
    assert job.per_row and len(job.z) == len(job.r) == ROWS
    want = (job.x.astype(np.int64) - job.z[:, None]) @ job.w.astype(np.int64).T
    np.testing.assert_array_equal(rj.y, want)
    res = check_on_rtl(rj, "verilator")
    assert res["bytes_match"] and res["pass"], res["problems"]


def test_a_wrong_numpy_result_is_reported(tiny: tuple) -> None:
    w, cal, ev = tiny
    rj = rtl_job(w, "asym", "blk.0.attn_k", cal, ev, rows=ROWS, mode="zero")
    y = rj.y.copy()
    y[3, 5] += 1
    res = check_on_rtl(RtlJob(job=rj.job, y=y), "icarus")
    assert not res["bytes_match"] and not res["pass"] and res["differing_outputs"] == 1
    assert not res["problems"]  # the RTL itself agrees with the testbench's prediction


def test_bad_requests_are_refused(tiny: tuple) -> None:
    w, cal, ev = tiny
    with pytest.raises(RtlCheckError, match="unknown layer 'blk.9.attn_q'"):
        rtl_job(w, "asym", "blk.9.attn_q", cal, ev)
    with pytest.raises(RtlCheckError, match="quantized scheme"):
        rtl_job(w, "fp32", "blk.0.attn_q", cal, ev)
    with pytest.raises(RtlCheckError, match="fewer than --rtl-rows 64"):
        rtl_job(w, "asym", "blk.0.attn_q", cal, ev, rows=64)


def test_cli_unknown_layer_is_one_line(
    tiny: tuple, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pytest.importorskip("gguf", reason="the gguf package is in requirements.txt (make venv)")
    path = tmp_path / "tiny.gguf"
    gm.write_llama_gguf(path, tiny[0])
    rc = cli_main(["accuracy", "--model", str(path), "--rtl-check", "blk.0.nope"])
    err = capsys.readouterr().err.strip().splitlines()
    assert rc == 2 and len(err) == 1
    assert err[0].startswith("panacea accuracy: error: unknown layer 'blk.0.nope'")
    assert "blk.<0..1>" in err[0] and "ffn_down" in err[0]
