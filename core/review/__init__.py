"""目标审核 (goal review): the reviewer's queue and workspace, the automatic pre-review, rule settings, opinion letters."""
