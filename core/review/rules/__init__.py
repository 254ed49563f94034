"""Automatic pre-review of goal tables (绩效目标自动预审): pure rules over plain values, grouped by the four
review dimensions 完整性、相关性、适当性、可行性."""
