"""Figure output shared by every plot of the model and the flow tools."""

from __future__ import annotations

from pathlib import Path
from typing import Any


def save_figure(fig: Any, path: Path, dpi: int) -> Path:
    """Lay out ``fig`` tightly, write it to ``path`` at ``dpi`` and close it (pyplot keeps
    every open figure alive otherwise); returns ``path``."""
    import matplotlib.pyplot as plt

    fig.tight_layout()
    fig.savefig(path, dpi=dpi)
    plt.close(fig)
    return path


__all__ = ["save_figure"]
