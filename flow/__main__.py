"""``python -m flow`` runs ``panacea-flow``."""

import sys

from .cli import flow_main

sys.exit(flow_main())
