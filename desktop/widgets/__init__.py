"""Widgets every page uses: table models, forms, charts, entry grid, tabbed area, report preview."""
