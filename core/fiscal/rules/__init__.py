"""Pure rules of the fiscal health index: the figures' fields and the index method."""
