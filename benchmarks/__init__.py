"""Benchmarks for ghl-conversations: ``python -m benchmarks`` (``--smoke`` for a quick run)."""
