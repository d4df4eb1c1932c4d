"""Output recorded from FRR 8.4.4 (two routers, eBGP over IPv4 and IPv6), one folder per
Napalm getter under ``fixtures/frr/``: read by the parser tests here and by the FRR driver's
contract tests (``tests/drivers/frr/test_driver.py``). ``get_lldp_neighbors/`` holds
``lldpcli -f json show neighbors`` (lldpd 1.0.16) of three routers of the legacy lab
(``netauto lab up --legacy`` on tests/data/tiny), and of a port with no neighbour."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

FIXTURES = Path(__file__).parent / "fixtures" / "frr"


def fixture_text(getter: str, name: str) -> str:
    """The recorded output ``tests/parse/fixtures/frr/<getter>/<name>``."""
    return (FIXTURES / getter / name).read_text()


def fixture_json(getter: str, name: str) -> Any:
    """The recorded JSON output ``tests/parse/fixtures/frr/<getter>/<name>``."""
    return json.loads(fixture_text(getter, name))
