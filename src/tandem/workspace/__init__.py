"""Workspace: people, their sides and roles, login sessions and API tokens."""
