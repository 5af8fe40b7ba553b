"""`escalate bench`: every figure of a turn as a ratio to what the libraries alone do.

synthetic (the KB generator) -> kb (built once, cached) -> embedding, ingest,
retrieval, turns, model, throughput (the measures) -> report (rows, targets,
pass/miss; terminal, JSON, Markdown, docs/benchmarks.md block) -> cli.
"""
