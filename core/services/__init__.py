"""Use cases: functions `(uow, actor, inputs) -> result` that load rows, call rules, save and return DTOs."""
