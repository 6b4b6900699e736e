"""``python -m image_relay publish|watch|subscribe``: the Node CLI's client verbs, in Python."""

import sys

from ._cli import main

sys.exit(main(sys.argv[1:]))
