"""Pulse: the marketing–technology alignment survey, its gap statistics and the published benchmarks."""
