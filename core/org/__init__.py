"""Organisation (stage 0): units, accounts and roles, settings, permission checks, backup and the audit log."""
