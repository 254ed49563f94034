"""Tests of the packaging files (spec, installer scripts, menu entry, icon)."""
