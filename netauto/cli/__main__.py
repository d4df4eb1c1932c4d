"""``python -m netauto.cli``: the same as the ``netauto`` console script."""

from netauto.cli import main

main()
