from .fast_axi_ram import FastAxiRam
from .mem_agent import AXI_MODELS, Burst, MemAgent, MonitoredAxiRam, axi_model, make_axi_ram
from .pause import STALL_CHANNELS, pause_generator, pause_pattern, stall_profile, stalled

__all__ = [
    "AXI_MODELS",
    "Burst",
    "FastAxiRam",
    "MemAgent",
    "MonitoredAxiRam",
    "STALL_CHANNELS",
    "axi_model",
    "make_axi_ram",
    "pause_generator",
    "pause_pattern",
    "stall_profile",
    "stalled",
]
