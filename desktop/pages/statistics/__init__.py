"""Screens of 工作台 and 报表中心: the year's figures, yearly statistics and charts."""
