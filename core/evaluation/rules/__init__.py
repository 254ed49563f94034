"""Pure rules of evaluation: indicator scoring and grades, the self-evaluation sheet, the department sheet."""
