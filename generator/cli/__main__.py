"""``python -m generator.cli``: the same as the ``marac`` command."""

from . import main

main()
