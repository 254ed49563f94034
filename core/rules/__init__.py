"""Pure rules and small value types; imports nothing heavier than the standard library."""
