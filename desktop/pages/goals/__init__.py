"""Screens of 绩效目标: the goal tables list, the editor, indicators and versions."""
