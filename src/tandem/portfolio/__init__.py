"""Portfolio: martech proposals, the two-key steering committee, roadmap and budget."""
