"""The parts of benchmarks/engines.py: what it measures with (common) and its steps."""
