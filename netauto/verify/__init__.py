"""Stage: verify."""
