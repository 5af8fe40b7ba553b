"""Retention and erasure: prune checkpoints, delete what is older than N days, forget a person."""
