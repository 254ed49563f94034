"""Pure rules of monitoring: time progress and lights, payment export columns and execution rows."""
