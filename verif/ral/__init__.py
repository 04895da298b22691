"""Register abstraction layer: the generated pyuvm register model and the standard register
sequences written for it (pyuvm has the register layer but not UVM's built-in sequences)."""

from .pnc_reg_block import PncRegBlock

__all__ = ["PncRegBlock"]
