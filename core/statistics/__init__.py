"""统计 (statistics): the year's figures, yearly statistics beside the previous year, summary reports."""
