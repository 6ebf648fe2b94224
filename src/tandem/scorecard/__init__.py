"""Scorecard: KPIs with targets and thresholds, values per period, corrective action."""
