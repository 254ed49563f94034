"""The demo county: a deterministic, realistic county generated through the stages' own services."""
