"""Pure rules of the exchange format: sheet specs of every package kind and the manifest."""
