"""Reading configurations and device state back: pure parsers shared by render's checks,
the drivers, push, verify and import (text or JSON in, typed data out; no I/O)."""
