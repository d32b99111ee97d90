"""``python -m api.cli``: the ``skillgraph`` command."""

import sys

from api.cli import main

sys.exit(main())
