"""Stage: lab."""
