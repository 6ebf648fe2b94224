"""Plain builder functions for tests, one module per domain."""
