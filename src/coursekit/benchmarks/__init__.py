"""Benchmarks: the course's slow-against-fast pairs (pairs), and our quantizer beside five libraries (quantizers)."""
