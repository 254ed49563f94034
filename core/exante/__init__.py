"""事前绩效评估 (ex-ante assessment): scoring sheet, conclusion, recommended amount and its report."""
