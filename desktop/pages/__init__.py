"""The screens of each stage, one package per stage mirroring core/ (`area` is the navigation area page)."""
