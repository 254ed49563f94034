"""镇街财政运行健康指数 (township fiscal health): figures, the index and its ranking, workbook and report."""
