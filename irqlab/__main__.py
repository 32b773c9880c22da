"""``python -m irqlab``."""

import sys

from irqlab.cli import main

sys.exit(main())
