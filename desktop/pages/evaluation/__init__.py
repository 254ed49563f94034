"""Screens of 绩效评价: overview, self-evaluation and key-evaluation wizards, department evaluation, experts."""
