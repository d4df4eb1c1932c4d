"""netauto: source of truth, IPv6 dual-stack planning, rendering, safe push and auditable
verification for a Vietnamese province's dedicated data network."""

__version__ = "0.1.0"
