"""Screens of 系统管理: units, users, settings, review rules, backup and the audit log."""
