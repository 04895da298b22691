from .axil_agent import (
    AxilAgent,
    AxilDriver,
    AxilRegs,
    RegItem,
    RegSeq,
    SeqrRegs,
    make_axil_master,
    reg_read,
    reg_write,
)
from .monitor import AxilMonitor, RegAccess
from .reg_layer import AxilRegAdapter, AxilRegPredictor

__all__ = [
    "AxilAgent",
    "AxilDriver",
    "AxilMonitor",
    "AxilRegAdapter",
    "AxilRegPredictor",
    "AxilRegs",
    "RegAccess",
    "RegItem",
    "RegSeq",
    "SeqrRegs",
    "make_axil_master",
    "reg_read",
    "reg_write",
]
