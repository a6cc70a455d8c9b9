"""The committed references: which files the pipeline wrote there (manifest), `verify` against them, provenance."""
