#!/usr/bin/python3
"""Ansible module: keep the VM's ``inet netauto`` nftables table equal to a rendered ruleset.

The ruleset file replaces only its own table (``table``/``delete table``/``table {...}`` in one
transaction). Idempotence: after applying, the module stores the file's hash and nft's own
listing of the table next to the file; the table is up to date when the file is unchanged and
the live listing still equals the stored one (anyone editing the live table is drift, and the
next run puts it back). Check mode validates the ruleset with ``nft -c`` and changes nothing.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from pathlib import Path

from ansible.module_utils.basic import AnsibleModule

DOCUMENTATION = r"""
module: netauto_vm_nftables
short_description: Apply netauto's nftables table idempotently (check and diff aware)
options:
  content:
    description: The rendered ruleset (an nft -f script).
    type: str
    required: true
  path:
    description: Where the ruleset is kept on the VM; the applied state goes to PATH.applied.
    type: path
    required: true
  table:
    description: The table the ruleset owns, as "family name".
    type: str
    default: inet netauto
"""


def run(module: AnsibleModule, argv: list[str]) -> str:
    rc, out, err = module.run_command(argv)
    if rc != 0:
        module.fail_json(msg=f"{' '.join(argv)} failed: {(err or out).strip()}", rc=rc)
    return str(out)


def live_table(module: AnsibleModule, table: str) -> str:
    rc, out, _ = module.run_command(["nft", "list", "table", *table.split()])
    return str(out) if rc == 0 else ""


def write_atomic(path: Path, text: str, mode: int) -> None:
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    with os.fdopen(fd, "w") as handle:
        handle.write(text)
    os.chmod(tmp, mode)
    os.replace(tmp, path)


def main() -> None:
    module = AnsibleModule(
        argument_spec={
            "content": {"type": "str", "required": True},
            "path": {"type": "path", "required": True},
            "table": {"type": "str", "default": "inet netauto"},
        },
        supports_check_mode=True,
    )
    content: str = module.params["content"]
    if not content.endswith("\n"):
        content += "\n"
    path = Path(module.params["path"])
    table: str = module.params["table"]
    state_path = path.with_name(path.name + ".applied")
    digest = hashlib.sha256(content.encode()).hexdigest()

    try:
        state = json.loads(state_path.read_text())
    except (OSError, ValueError):
        state = {}
    live = live_table(module, table)
    up_to_date = state.get("sha256") == digest and state.get("listing") == live and bool(live)
    result: dict[str, object] = {"changed": not up_to_date, "path": str(path)}
    if up_to_date:
        module.exit_json(**result)

    if module._diff:
        result["diff"] = {
            "before_header": f"nft list table {table} (running)",
            "after_header": f"{path} (netauto)",
            "before": live,
            "after": content,
        }
    with tempfile.NamedTemporaryFile("w", suffix=".nft", delete=False) as handle:
        handle.write(content)
        candidate = handle.name
    try:
        run(module, ["nft", "-c", "-f", candidate])
    finally:
        os.unlink(candidate)
    if module.check_mode:
        module.exit_json(**result)

    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(path, content, 0o640)
    run(module, ["nft", "-f", str(path)])
    listing = live_table(module, table)
    write_atomic(state_path, json.dumps({"sha256": digest, "listing": listing}), 0o640)
    module.exit_json(**result)


if __name__ == "__main__":
    main()
