"""Entry point `perfbudget`: no command opens the GUI, a command runs the admin command line.

Before anything is imported the cyclic garbage collector is told to collect the young generation less often:
start-up and every first page allocate hundreds of thousands of objects that live on (modules, mapped classes,
Qt wrappers, rows), and with CPython's default of a young collection every 700 allocations about a tenth of the
CPU of a start went into collections that found nothing to free."""

from __future__ import annotations

import gc
import sys

# Allocations between two young-generation collections (CPython's default: 700); the older generations keep theirs.
GC_YOUNG_THRESHOLD = 20_000


def tune_garbage_collector() -> None:
    _young, middle, old = gc.get_threshold()
    gc.set_threshold(GC_YOUNG_THRESHOLD, middle, old)


def main() -> int:
    tune_garbage_collector()
    from desktop.cli.main import main as cli_main

    return cli_main(sys.argv[1:])


if __name__ == "__main__":
    sys.exit(main())
