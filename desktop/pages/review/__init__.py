"""Screens of 目标审核: the queue and the reviewer's workspace."""
