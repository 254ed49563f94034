"""Pure rules of goal tables: the paper value notation, validation, status transitions, version diffs."""
