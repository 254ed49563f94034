"""结果应用 (result application): the year's policy, findings, composite scores, budget suggestions, rectification."""
