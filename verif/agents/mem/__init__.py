from .mem_agent import MemAgent, MonitoredAxiRam
from .pause import STALL_CHANNELS, pause_generator, stall_profile

__all__ = ["MemAgent", "MonitoredAxiRam", "STALL_CHANNELS", "pause_generator", "stall_profile"]
