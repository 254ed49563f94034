"""Screens of 指标库: browse, add and pick library indicators."""
