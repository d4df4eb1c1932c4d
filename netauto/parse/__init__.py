"""Reading configurations and device state back: pure parsers from what a device prints to
typed data, shared by the drivers, push and verify so that each output format is read in one
place only (no I/O here: the caller runs the command and hands the text over).
"""
