"""Screens of 运行监控: the lights grid, filters, detail, data entry and execution import."""
