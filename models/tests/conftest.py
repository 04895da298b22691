"""Make ``panacea`` importable from the source tree when the package is not installed."""

import sys
from pathlib import Path

_MODELS = str(Path(__file__).resolve().parents[1])
if _MODELS not in sys.path:
    sys.path.insert(0, _MODELS)
