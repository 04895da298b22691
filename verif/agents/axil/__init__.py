from .axil_agent import AxilAgent, AxilDriver, RegItem, RegSeq, reg_read, reg_write

__all__ = ["AxilAgent", "AxilDriver", "RegItem", "RegSeq", "reg_read", "reg_write"]
