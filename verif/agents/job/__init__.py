"""Job agent: the job BFM (plain cocotb), the passive job monitor, their transaction
:class:`Observed`, and the pyuvm driver/monitor/agent around them (:mod:`.job_agent`)."""

from .bfm import JobBfm, params_value, start_top, timeout_cycles
from .items import Observed, describe_job
from .monitor import JobMonitor, descriptor_layout

__all__ = [
    "JobBfm",
    "JobMonitor",
    "Observed",
    "describe_job",
    "descriptor_layout",
    "params_value",
    "start_top",
    "timeout_cycles",
]
