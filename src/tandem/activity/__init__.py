"""Activity: the audit log, the live feed, mentions, notifications and the weekly digest."""
