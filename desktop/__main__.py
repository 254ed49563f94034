"""Entry point `perfbudget`: no command opens the GUI, a command runs the admin command line."""

from __future__ import annotations

import sys


def main() -> int:
    from desktop.cli.main import main as cli_main

    return cli_main(sys.argv[1:])


if __name__ == "__main__":
    sys.exit(main())
