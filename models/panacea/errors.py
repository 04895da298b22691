"""Exceptions and argument checks shared by the model modules.

Every check raises ``ValueError`` whose message names the argument and the allowed range, so a
user sees at once which input is wrong.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt


class StreamCorruptError(ValueError):
    """An RLE stream is inconsistent with its header or with K (hardware: STREAM_CORRUPT)."""


class DecompositionError(RuntimeError):
    """The AQS-GEMM terms did not sum to the plain integer GEMM (a model bug, never bad input)."""


def check_int_range(name: str, value: Any, lo: int, hi: int) -> int:
    """Return ``value`` as ``int`` if it is an integer in ``[lo, hi]``; else ``ValueError``."""
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise ValueError(f"{name} must be an integer in [{lo}, {hi}], got {value!r}")
    if not lo <= int(value) <= hi:
        raise ValueError(f"{name} must be in [{lo}, {hi}], got {int(value)}")
    return int(value)


def check_choice(name: str, value: Any, allowed: tuple[Any, ...]) -> Any:
    """Return ``value`` if it is one of ``allowed``, else raise ``ValueError``."""
    if isinstance(value, bool) or value not in allowed:
        raise ValueError(f"{name} must be one of {allowed}, got {value!r}")
    return value


def check_bool(name: str, value: Any) -> bool:
    """Return ``value`` if it is a bool (or numpy bool), else raise ``ValueError``."""
    if not isinstance(value, (bool, np.bool_)):
        raise ValueError(f"{name} must be True or False, got {value!r}")
    return bool(value)


def check_int_array(
    name: str, a: Any, ndim: int, lo: int, hi: int, dtypes: tuple[type, ...] | None = None
) -> npt.NDArray[Any]:
    """Check an integer array's dtype, rank, non-emptiness and value range; return it.

    ``dtypes`` restricts the accepted dtypes (default: any integer dtype).
    """
    if not isinstance(a, np.ndarray):
        raise ValueError(f"{name} must be a numpy array, got {type(a).__name__}")
    if dtypes is not None:
        if a.dtype.type not in dtypes:
            allowed = ", ".join(np.dtype(d).name for d in dtypes)
            raise ValueError(f"{name} must have dtype {allowed}, got {a.dtype}")
    elif not np.issubdtype(a.dtype, np.integer):
        raise ValueError(f"{name} must have an integer dtype, got {a.dtype}")
    if a.ndim != ndim:
        raise ValueError(f"{name} must be {ndim}-D, got shape {a.shape}")
    if a.size == 0:
        raise ValueError(f"{name} must not be empty (every dimension >= 1), got shape {a.shape}")
    if a.size and (int(a.min()) < lo or int(a.max()) > hi):
        raise ValueError(
            f"{name} values must be in [{lo}, {hi}], got [{int(a.min())}, {int(a.max())}]"
        )
    return a


def check_float_array(name: str, a: Any, ndim: int | None = None) -> npt.NDArray[np.float64]:
    """Return ``a`` as a finite float64 array of rank ``ndim`` (any rank if None)."""
    if not isinstance(a, np.ndarray):
        raise ValueError(f"{name} must be a numpy array, got {type(a).__name__}")
    if not (np.issubdtype(a.dtype, np.floating) or np.issubdtype(a.dtype, np.integer)):
        raise ValueError(f"{name} must have a float (or integer) dtype, got {a.dtype}")
    if ndim is not None and a.ndim != ndim:
        raise ValueError(f"{name} must be {ndim}-D, got shape {a.shape}")
    if a.size == 0:
        raise ValueError(f"{name} must not be empty, got shape {a.shape}")
    f = a.astype(np.float64, copy=False)
    if not np.all(np.isfinite(f)):
        raise ValueError(f"{name} must be finite (no NaN or Inf)")
    return f
