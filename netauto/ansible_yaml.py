"""YAML for Ansible in which no string netauto writes is ever templated (pure).

Ansible renders every variable it reads from an inventory, ``host_vars`` or extra-vars as a
Jinja2 template when it is used. A SoT string carrying ``{{ lookup('pipe', ...) }}`` would
then run a command on the machine running netauto, as root, even in check mode. So every
string *value* netauto hands to Ansible that could start a Jinja2 block (it contains ``{``:
``{{``, ``{%`` and ``{#`` all do) is tagged ``!unsafe``: Ansible loads it as unsafe text and
never templates it, also when a template inserts it (``{{ var }}`` puts the text in as it
is). Other strings stay plain YAML strings: there is nothing in them to template, and
ansible-core 2.19 reads an ``!unsafe`` scalar with YAML's implicit types (``'32002'`` would
come back as the integer 32002). Mapping keys (host and variable names) stay plain: they
are names netauto makes or validates, and Ansible does not template them.

Examples:
    >>> print(dump({"all": {"vars": {"name": "{{ 7 * 7 }}", "code": "32002", "port": 443}}}),
    ...       end="")
    all:
      vars:
        name: !unsafe '{{ 7 * 7 }}'
        code: '32002'
        port: 443
"""

from __future__ import annotations

from typing import Any

import yaml


class Unsafe(str):
    """A string Ansible must not template (dumped as ``!unsafe``)."""


class _Dumper(yaml.SafeDumper):
    pass


def _represent_unsafe(dumper: yaml.SafeDumper, data: Unsafe) -> yaml.ScalarNode:
    return dumper.represent_scalar("!unsafe", str(data), style="'")


_Dumper.add_representer(Unsafe, _represent_unsafe)


def mark(data: Any) -> Any:
    """``data`` with every string value (not mapping keys) that contains ``{`` made
    :class:`Unsafe`.

    Examples:
        >>> marked = mark({"a": ["{{ x }}", 1, {"b": "{% y %}"}], "c": True, "d": "plain"})
        >>> type(marked["a"][0]).__name__, marked["a"][1], type(marked["a"][2]["b"]).__name__
        ('Unsafe', 1, 'Unsafe')
        >>> marked["c"], type(marked["d"]).__name__
        (True, 'str')
    """
    if isinstance(data, str):
        return Unsafe(data) if "{" in data else data
    if isinstance(data, dict):
        return {key: mark(value) for key, value in data.items()}
    if isinstance(data, list | tuple):
        return [mark(item) for item in data]
    return data


def dump(data: Any) -> str:
    """``data`` as YAML for Ansible, every string value ``!unsafe``."""
    return yaml.dump(
        mark(data), Dumper=_Dumper, sort_keys=False, allow_unicode=True, default_flow_style=False
    )
