"""The application's version: the one place it is written (window title, about, reports, packages)."""

__version__ = "0.1.0"
APP_NAME = "预算绩效管理工作台"
