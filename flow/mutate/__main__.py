"""``python -m flow.mutate``: see :mod:`flow.mutate.cli`."""

import sys

from .cli import main

sys.exit(main())
