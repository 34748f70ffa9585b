"""Stripe's request encoding: form fields with bracketed keys, read into nested values.

The SDK sends `metadata[order_id]=...`, `expand[0]=payment_method` and
`payment_method_types[0]=card`; this turns such pairs back into the dicts and lists
they stand for, the shape Stripe's API reads.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

_KEY = re.compile(r"^([^\[\]]+)((?:\[[^\[\]]*\])*)$")


class MalformedParameter(ValueError):
    """A key the bracket notation cannot read, e.g. `a[b` or `[x]`."""


def decode(pairs: Iterable[tuple[str, str]]) -> dict[str, Any]:
    """Nested params from form pairs; `a[]` appends, numeric indexes make lists."""
    root: dict[str, Any] = {}
    for key, value in pairs:
        match = _KEY.match(key)
        if match is None:
            raise MalformedParameter(key)
        *path, last = [match.group(1), *re.findall(r"\[([^\[\]]*)\]", match.group(2))]
        node = root
        for part in path:
            child = node.setdefault(part, {})
            if not isinstance(child, dict):
                raise MalformedParameter(key)
            node = child
        if last == "":
            # `a[]=x`: the next index of the list being built.
            last = str(len(node))
        node[last] = value
    params: dict[str, Any] = _lists(root)
    return params


def _lists(node: Any) -> Any:
    """Dicts keyed 0..n-1 become lists, at every depth."""
    if not isinstance(node, dict):
        return node
    converted = {key: _lists(value) for key, value in node.items()}
    if converted and all(key.isdigit() for key in converted):
        return [converted[key] for key in sorted(converted, key=int)]
    return converted
