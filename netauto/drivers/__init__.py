"""Napalm drivers for platforms Napalm lacks (FRRouting)."""
