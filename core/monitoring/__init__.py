"""运行监控 (in-year monitoring): execution imports, rounds, the lights grid, warnings and monitoring outputs."""
