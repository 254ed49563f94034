"""Screens of 数据交换: identity and enrolment, export, import with preview, the ledger."""
