"""Screens of 结果应用: policy, findings, scores, budget suggestions, rectification register and notices."""
