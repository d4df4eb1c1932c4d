"""Reading configurations and device state back into typed data (render, push, verify, import)."""
