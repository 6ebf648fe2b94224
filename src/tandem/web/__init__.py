"""Web kernel: request dependencies, templating, forms, CSRF. Imports no domain's services."""
