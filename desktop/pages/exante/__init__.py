"""Screens of 事前评估: the projects needing assessment and the scoring form."""
