"""Lane packing and the RLE slice-vector stream format (architecture.md section 3).

A stream holds K vectors of 8 lanes. Header (8 bytes, little-endian; layout: arch.toml [ho_header],
generated into :mod:`panacea.regmap`): ``u32 n_records``, ``u32 n_vectors`` (= K). Then
``n_records`` records of ``1 + L`` bytes: ``u8 run`` followed by the L-byte packed payload of one
vector. ``run`` counts the skipped (all-zero payload) vectors before the record's vector. Vectors
after the last record are skipped. A gap of ``g`` skipped vectors in front of a non-zero vector is
encoded with ``g // (RUN_MAX + 1)`` filler records ``{run = RUN_MAX, payload = 0}`` (each stands for
one skipped vector and is processed as a live vector contributing nothing) and a final record with
``run = g % (RUN_MAX + 1)``, where ``RUN_MAX = 2^run_bits - 1``. Fillers are emitted eagerly, as a
streaming encoder (the RTL's output path) produces them: a trailing gap of skipped vectors after the
last live vector yields the same fillers as any other gap, and the vectors after the last record are
skipped.

The encoder and decoder below loop over nothing: records are built and parsed as numpy arrays.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from .config import ARCH
from .errors import StreamCorruptError, check_int_range
from .regmap import HO_HEADER_BYTES, pack_ho_header, unpack_ho_header

HEADER_BYTES: int = HO_HEADER_BYTES
LANES: int = int(ARCH.V)


def _check_lane_bits(L: int) -> int:
    return check_int_range("L", L, 1, 8)


def pack_lanes(vals: npt.NDArray[np.integer], L: int) -> bytes:
    """Pack ``(n, 8)`` lane values into ``n * L`` bytes.

    Lane i of a vector occupies bits ``[i*L, i*L + L - 1]`` of the little-endian integer formed by
    its L bytes. Values must lie in ``[-2^(L-1), 2^L - 1]``; negative values are stored as L-bit
    two's complement.
    """
    L = _check_lane_bits(L)
    a = np.asarray(vals)
    if not np.issubdtype(a.dtype, np.integer) or a.ndim != 2 or a.shape[1] != LANES:
        raise ValueError(
            f"vals must be an integer array of shape (n, {LANES}), got {a.dtype} {a.shape}"
        )
    lo, hi = -(1 << (L - 1)), (1 << L) - 1
    if a.size and (int(a.min()) < lo or int(a.max()) > hi):
        raise ValueError(
            f"vals must be in [{lo}, {hi}] for L = {L}, got [{int(a.min())}, {int(a.max())}]"
        )
    u = a.astype(np.int64) & ((1 << L) - 1)
    bits = ((u[:, :, None] >> np.arange(L, dtype=np.int64)) & 1).astype(np.uint8)
    return np.packbits(bits.reshape(a.shape[0], LANES * L), axis=1, bitorder="little").tobytes()


def unpack_lanes(buf: bytes, n: int, L: int, signed: bool) -> npt.NDArray[np.int64]:
    """Inverse of :func:`pack_lanes`: the first ``n * L`` bytes of ``buf`` as ``(n, 8)`` int64."""
    L = _check_lane_bits(L)
    n = check_int_range("n", n, 0, 2**32 - 1)
    if len(buf) < n * L:
        raise ValueError(f"buf must hold at least n * L = {n * L} bytes, got {len(buf)}")
    raw = np.frombuffer(buf, dtype=np.uint8, count=n * L).reshape(n, L)
    bits = np.unpackbits(raw, axis=1, bitorder="little").reshape(n, LANES, L)
    vals = bits.astype(np.int64) @ (np.int64(1) << np.arange(L, dtype=np.int64))
    if signed:
        vals = np.where(vals >= 1 << (L - 1), vals - (1 << L), vals)
    return vals


def record_mask(
    skippable: npt.NDArray[np.bool_], run_bits: int = int(ARCH.RUN_BITS)
) -> npt.NDArray[np.bool_]:
    """Positions that get a record (live vectors incl. fillers) for skippable masks ``(..., K)``.

    A skipped vector is a filler iff its index ``i`` (from 0) inside its gap of skipped vectors
    satisfies ``(i + 1) % (RUN_MAX + 1) == 0``, whether or not a live vector follows (eager
    fillers: what a streaming encoder emits without looking ahead).
    """
    run_bits = check_int_range("run_bits", run_bits, 1, 8)
    period = 1 << run_bits
    s = np.asarray(skippable, dtype=bool)
    k = s.shape[-1]
    pos = np.arange(k, dtype=np.int64)
    live = ~s
    last_live = np.maximum.accumulate(np.where(live, pos, -1), axis=-1)
    idx_in_gap = pos - last_live - 1
    filler = s & ((idx_in_gap + 1) % period == 0)
    return live | filler


def pack_header(n_records: int, n_vectors: int) -> bytes:
    """The stream header (:data:`HEADER_BYTES` bytes) holding ``n_records`` and ``n_vectors``."""
    return pack_ho_header(n_records=n_records, n_vectors=n_vectors)


def unpack_header(buf: bytes) -> tuple[int, int]:
    """``(n_records, n_vectors)`` from the header at the start of a stream."""
    h = unpack_ho_header(buf)
    return h["n_records"], h["n_vectors"]


def stream_length(n_records: int, L: int) -> int:
    """Bytes of a stream with ``n_records`` records of L-byte payloads: ``8 + n*(1+L)``."""
    return HEADER_BYTES + n_records * (1 + L)


def encode_stream(
    payload: npt.NDArray[np.integer], L: int, run_bits: int = int(ARCH.RUN_BITS)
) -> bytes:
    """Encode ``(K, 8)`` payloads (already reduced mod 2^L, i.e. in [0, 2^L - 1]) as a stream.

    A vector is skipped iff its payload is all zero. ``K`` must be in [1, 2^32 - 1].
    """
    L = _check_lane_bits(L)
    p = np.asarray(payload)
    if not np.issubdtype(p.dtype, np.integer) or p.ndim != 2 or p.shape[1] != LANES:
        raise ValueError(
            f"payload must be an integer array of shape (K, {LANES}), got {p.dtype} {p.shape}"
        )
    k = p.shape[0]
    check_int_range("K (payload rows)", k, 1, 2**32 - 1)
    if p.size and (int(p.min()) < 0 or int(p.max()) > (1 << L) - 1):
        raise ValueError(f"payload must be reduced mod 2^L: values in [0, {(1 << L) - 1}]")
    live = record_mask(~np.any(p != 0, axis=1), run_bits)
    pos = np.flatnonzero(live)
    runs = np.diff(pos, prepend=-1) - 1
    rec = np.empty((pos.size, 1 + L), np.uint8)
    rec[:, 0] = runs
    rec[:, 1:] = np.frombuffer(pack_lanes(p[pos], L), np.uint8).reshape(pos.size, L)
    return pack_header(pos.size, k) + rec.tobytes()


@dataclass(frozen=True)
class DecodedStream:
    """Result of :func:`decode_stream`.

    ``payload`` (K, 8) int64 raw L-bit lane values (0 for skipped vectors), ``live`` (K,) True
    at record positions (fillers included), ``n_records``, and ``n_bytes`` consumed.
    """

    payload: npt.NDArray[np.int64]
    live: npt.NDArray[np.bool_]
    n_records: int
    n_bytes: int


def decode_stream(buf: bytes, K: int, L: int, run_bits: int = int(ARCH.RUN_BITS)) -> DecodedStream:
    """Decode a stream of K vectors; raises :class:`StreamCorruptError` when the header's
    ``n_vectors != K``, a ``run`` exceeds ``RUN_MAX``, a record lies at or beyond K, or ``buf`` is
    shorter than the header says. Bytes after the last record are ignored.
    """
    L = _check_lane_bits(L)
    K = check_int_range("K", K, 1, 2**32 - 1)
    run_max = (1 << check_int_range("run_bits", run_bits, 1, 8)) - 1
    if len(buf) < HEADER_BYTES:
        raise StreamCorruptError(f"stream shorter than its {HEADER_BYTES}-byte header")
    n_rec, n_vec = unpack_header(buf)
    if n_vec != K:
        raise StreamCorruptError(f"header n_vectors = {n_vec} but K = {K}")
    if n_rec > K:
        raise StreamCorruptError(f"header n_records = {n_rec} exceeds K = {K}")
    n_bytes = stream_length(n_rec, L)
    if len(buf) < n_bytes:
        raise StreamCorruptError(
            f"stream needs {n_bytes} bytes for {n_rec} records, got {len(buf)}"
        )
    rec = np.frombuffer(buf, np.uint8, count=n_rec * (1 + L), offset=HEADER_BYTES)
    rec = rec.reshape(n_rec, 1 + L)
    runs = rec[:, 0].astype(np.int64)
    if n_rec and int(runs.max()) > run_max:
        raise StreamCorruptError(f"record run {int(runs.max())} exceeds RUN_MAX = {run_max}")
    pos = np.cumsum(runs + 1) - 1
    if n_rec and int(pos[-1]) >= K:
        raise StreamCorruptError(f"record places a vector at {int(pos[-1])} >= K = {K}")
    payload = np.zeros((K, LANES), np.int64)
    payload[pos] = unpack_lanes(rec[:, 1:].tobytes(), n_rec, L, signed=False)
    live = np.zeros(K, bool)
    live[pos] = True
    return DecodedStream(payload=payload, live=live, n_records=n_rec, n_bytes=n_bytes)
