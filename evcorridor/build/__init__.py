"""Reproducible derivation of the embedded datasets in data/ from ../shared/data (`make data`)."""
