"""绩效评价 (evaluation): self-evaluation, key evaluation with expert panels, department overall evaluation."""
