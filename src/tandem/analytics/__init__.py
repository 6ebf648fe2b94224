"""Analytics kernel: DuckDB connections over the customer warehouse. No business rules."""
