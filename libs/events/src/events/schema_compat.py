"""Whether a new version of an event's JSON Schema only adds to an old one.

Consumers written against the old schema must go on working: no property they read may
disappear or stop being required (always present), no type or enum may lose a value they
handle, no new property may become required (the contract only ever adds optional ones),
and an open object stays open. `breaking_changes` lists every violation it finds, each named
by its JSON path; an empty list means the change is additive.
"""

from __future__ import annotations

from typing import Any

Schema = dict[str, Any]

_MAX_DEPTH = 40  # schemas are small; a recursive $ref must not recurse forever


def _resolve(node: Any, root: Schema) -> Schema:
    """Follow local `$ref`s (`#/$defs/...`), merging sibling keywords over the target."""
    seen = 0
    while isinstance(node, dict) and "$ref" in node and seen < _MAX_DEPTH:
        ref = node["$ref"]
        if not isinstance(ref, str) or not ref.startswith("#/"):
            raise ValueError(f"only local $refs are supported, not {ref!r}")
        target: Any = root
        for part in ref[2:].split("/"):
            target = target[part.replace("~1", "/").replace("~0", "~")]
        node = {**target, **{k: v for k, v in node.items() if k != "$ref"}}
        seen += 1
    return node if isinstance(node, dict) else {}


def _branches(node: Schema, root: Schema) -> list[Schema]:
    """A node's alternatives: its anyOf/oneOf branches, or itself."""
    alternatives = node.get("anyOf") or node.get("oneOf")
    if not alternatives:
        return [node]
    out: list[Schema] = []
    for branch in alternatives:
        out.extend(_branches(_resolve(branch, root), root))
    return out


def _types(node: Schema) -> set[str]:
    declared = node.get("type")
    if declared is None:
        return {"object"} if "properties" in node else {"any"}
    return {declared} if isinstance(declared, str) else set(declared)


def _values(node: Schema) -> set[Any] | None:
    """The values an enum or const allows; None when any value of the type is allowed."""
    if "const" in node:
        return {_hashable(node["const"])}
    if "enum" in node:
        return {_hashable(v) for v in node["enum"]}
    return None


def _hashable(value: Any) -> Any:
    return repr(value) if isinstance(value, dict | list) else value


def breaking_changes(old: Schema, new: Schema) -> list[str]:
    """What `new` breaks for a consumer of `old` (empty when the change only adds)."""
    problems: list[str] = []
    _compare(old, new, old, new, "$", problems, 0)
    return problems


def _compare(old: Any, new: Any, old_root: Schema, new_root: Schema, path: str, out: list[str], depth: int) -> None:
    if depth > _MAX_DEPTH:
        return
    old_node, new_node = _resolve(old, old_root), _resolve(new, new_root)
    new_branches = _branches(new_node, new_root)
    for old_branch in _branches(old_node, old_root):
        for old_type in sorted(_types(old_branch)):
            match = next((b for b in new_branches if old_type in _types(b) or "any" in _types(b)), None)
            if match is None:
                out.append(f"{path}: type {old_type!r} is no longer allowed")
                continue
            _compare_same_type(old_branch, match, old_root, new_root, path, out, depth)


def _compare_same_type(
    old: Schema, new: Schema, old_root: Schema, new_root: Schema, path: str, out: list[str], depth: int
) -> None:
    old_values, new_values = _values(old), _values(new)
    if new_values is not None and (old_values is None or not old_values <= new_values):
        lost = "any value" if old_values is None else sorted(map(str, old_values - new_values))
        out.append(f"{path}: values no longer allowed: {lost}")
    old_props: dict[str, Any] = old.get("properties", {})
    new_props: dict[str, Any] = new.get("properties", {})
    old_required, new_required = set(old.get("required", [])), set(new.get("required", []))
    for name in sorted(old_props):
        if name not in new_props:
            out.append(f"{path}.{name}: property removed")
            continue
        if name in old_required and name not in new_required:
            out.append(f"{path}.{name}: no longer required (consumers rely on it being there)")
        _compare(old_props[name], new_props[name], old_root, new_root, f"{path}.{name}", out, depth + 1)
    for name in sorted(new_required - old_required):
        out.append(f"{path}.{name}: newly required")
    if old.get("additionalProperties", True) is not False and new.get("additionalProperties", True) is False:
        out.append(f"{path}: no longer accepts unknown properties")
    if "items" in old and "items" in new:
        _compare(old["items"], new["items"], old_root, new_root, f"{path}[]", out, depth + 1)
    if isinstance(old.get("additionalProperties"), dict) and isinstance(new.get("additionalProperties"), dict):
        _compare(
            old["additionalProperties"], new["additionalProperties"], old_root, new_root, f"{path}{{}}", out, depth + 1
        )
