"""指标库 (indicator library): the shipped library merged with the bureau's own entries."""
