"""绩效目标 (goal tables): reading, drafting, submitting, adjusting and comparing a project's goal table."""
