"""PyInstaller entry script of the bundle: the same `perfbudget` command as the pip-installed one."""

import sys

from desktop.__main__ import main

if __name__ == "__main__":
    sys.exit(main())
