"""Each service's public v1 API as a committed OpenAPI document, and what would break it.

`docs/api/<service>.v1.json` is the contract of `/api/v1` for every service that
answers public paths (the catalogue's `upstreams()`): the service's own OpenAPI
document, made by its FastAPI app in-process (no database, no network), cut to the
paths the gateway routes to it under `/api/v1` (and unversioned ones such as auth's
`/.well-known/jwks.json`), with the components they reference. v1 never breaks:
`tests/api_contracts/test_v1_contracts.py` fails when the live document has a breaking
change against the committed one, and additions pass.

    openapi_contracts.py export [SERVICE ...]            write docs/api/<service>.v1.json
    openapi_contracts.py check [--strict] [SERVICE ...]  print the breaking changes of
        the live documents against the committed ones (exit 1 if any); with --strict,
        a compatible change not yet exported fails too

What breaks a client (`breaking_changes(old, new)`), for an operation:
- a removed path, operation or response status, a removed media type of a request body
  or response;
- a response field removed, no longer always present, or of a changed type (one that may
  now be null included);
- a request field or parameter removed, new and required, or become required; a request
  body become required;
- a request field or parameter that accepts less: a type it no longer takes (null
  included), a removed enum value (a removed response enum value counts too), a lowered
  maximum or maxLength, a raised minimum or minLength, a pattern or format added or
  changed, extra fields no longer allowed.
Anything else passes: new paths, operations, statuses, optional request fields and
parameters, response fields and enum values, wider accepted ranges.
"""

from __future__ import annotations

import argparse
import copy
import importlib
import json
import re
import sys
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from fastapi import FastAPI

from pos_gateway.routes import ROUTE_TABLE
from pos_kit.catalogue import ServiceEntry, upstreams

REPO = Path(__file__).resolve().parents[2]
API_DOCS = REPO / "docs" / "api"
VERSION = "v1"
METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
JSON_MEDIA = "application/json"
_EXPORT = "python tools/delivery/openapi_contracts.py export"

_VERSIONED_RE = re.compile(r"^/api/(v\d+)(?:/|$)")
_TEMPLATE_RE = re.compile(r"\{[^}/]+\}")

Document = dict[str, Any]


# --- the documents ------------------------------------------------------------------


def contract_path(service: str, root: Path = API_DOCS) -> Path:
    return root / f"{service}.{VERSION}.json"


def build_app(entry: ServiceEntry) -> FastAPI:
    """The service's app with its default settings: `openapi()` needs nothing running."""
    module = importlib.import_module(f"{entry.package}.main")
    app = module.create_app()
    if not isinstance(app, FastAPI):
        raise TypeError(f"{entry.package}.main.create_app() made no FastAPI app")
    return app


def live_document(entry: ServiceEntry) -> Document:
    """The service's public v1 document, as its code describes it now."""
    return public_document(build_app(entry).openapi(), entry.name)


def is_public_v1(path: str, service: str) -> bool:
    """The gateway routes `path` to `service`, under /api/v1 or under no version at all."""
    route = ROUTE_TABLE.match(path)
    if route is None or route.service != service:
        return False
    versioned = _VERSIONED_RE.match(path)
    return versioned is None or versioned.group(1) == VERSION


def public_document(document: Mapping[str, Any], service: str) -> Document:
    """`document` cut to the service's public v1 paths and the components they use."""
    result = copy.deepcopy(dict(document))
    result["paths"] = {
        path: item for path, item in document["paths"].items() if is_public_v1(path, service)
    }
    components = result.pop("components", {})
    used_refs = _reachable_refs(result, components)
    kept: dict[str, dict[str, Any]] = {}
    for ref in used_refs:
        _, _, section, name = ref.split("/", 3)
        kept.setdefault(section, {})[name] = components[section][name]
    schemes = _security_scheme_names(result)
    if schemes:
        all_schemes = components.get("securitySchemes", {})
        kept["securitySchemes"] = {name: all_schemes[name] for name in schemes}
    if kept:
        result["components"] = kept
    return result


def _refs_in(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref" and isinstance(value, str):
                yield value
            else:
                yield from _refs_in(value)
    elif isinstance(node, list):
        for value in node:
            yield from _refs_in(value)


def _reachable_refs(root: Any, components: Mapping[str, Any]) -> set[str]:
    seen: set[str] = set()
    waiting = list(_refs_in(root))
    while waiting:
        ref = waiting.pop()
        if ref in seen:
            continue
        if not ref.startswith("#/components/") or ref.count("/") != 3:
            raise ValueError(f"a $ref outside #/components/<section>/<name>: {ref}")
        seen.add(ref)
        _, _, section, name = ref.split("/", 3)
        waiting.extend(_refs_in(components[section][name]))
    return seen


def _security_scheme_names(document: Mapping[str, Any]) -> set[str]:
    requirements = list(document.get("security", []))
    for item in document["paths"].values():
        for method in METHODS:
            requirements.extend(item.get(method, {}).get("security", []))
    return {name for requirement in requirements for name in requirement}


def dump(document: Mapping[str, Any]) -> str:
    return json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def load(path: Path) -> Document:
    document: Document = json.loads(path.read_text(encoding="utf-8"))
    return document


# --- breaking changes ---------------------------------------------------------------


@dataclass(frozen=True, order=True)
class Finding:
    """One breaking change: where (path, method) and what, naming the field."""

    path: str
    method: str  # "" when the whole path is gone
    message: str

    def __str__(self) -> str:
        where = f"{self.method.upper()} {self.path}" if self.method else self.path
        return f"{where}: {self.message}"


def breaking_changes(old: Mapping[str, Any], new: Mapping[str, Any]) -> list[Finding]:
    """What a client written against `old` can no longer rely on in `new` (OpenAPI 3.x)."""
    return sorted(set(_Diff(old, new).run()))


_UPPER_BOUNDS = ("maxLength", "maximum", "exclusiveMaximum", "maxItems", "maxProperties")
_LOWER_BOUNDS = ("minLength", "minimum", "exclusiveMinimum", "minItems", "minProperties")


@dataclass
class _Shape:
    """A schema with its $refs resolved, allOf merged and `X | None` unwrapped."""

    raw: dict[str, Any]
    types: frozenset[str]  # empty: any type
    nullable: bool
    properties: dict[str, Any] = field(default_factory=dict)
    required: frozenset[str] = frozenset()
    variants: dict[str, Any] = field(default_factory=dict)  # a union of several schemas
    enum: list[Any] | None = None


@dataclass(frozen=True)
class _Place:
    """Where a schema is used: the operation, and how messages name its fields."""

    path: str
    method: str
    request: bool  # True: the client sends it (narrowing breaks); False: it receives it
    prefix: str  # "request", "response 200", "query parameter 'limit'"
    whole: str  # the schema itself: "request body", "response 200 body", the parameter

    def name(self, at: str) -> str:
        """How a message names the field at `at` ("items[].name"; "" for the whole)."""
        return f"{self.prefix} field '{at}'" if at else self.whole


class _Diff:
    def __init__(self, old: Mapping[str, Any], new: Mapping[str, Any]) -> None:
        self.old = old
        self.new = new
        self.findings: list[Finding] = []
        self._comparing: set[tuple[str | None, str | None, bool]] = set()

    def run(self) -> list[Finding]:
        old_paths = {_template_key(p): p for p in self.old.get("paths", {})}
        new_paths = {_template_key(p): p for p in self.new.get("paths", {})}
        for key, old_path in sorted(old_paths.items()):
            if key not in new_paths:
                self.findings.append(Finding(old_path, "", "path removed"))
                continue
            self._path(old_path, new_paths[key])
        return self.findings

    # --- documents: $refs -------------------------------------------------------------

    def _resolve(self, document: Mapping[str, Any], node: Any) -> dict[str, Any]:
        if not isinstance(node, dict):
            return {}
        seen: set[str] = set()
        while isinstance(node.get("$ref"), str):
            ref = node["$ref"]
            if ref in seen:
                raise ValueError(f"a $ref that points to itself: {ref}")
            seen.add(ref)
            target = _pointer(document, ref)
            siblings = {k: v for k, v in node.items() if k != "$ref"}
            node = {**target, **siblings}
        return dict(node)

    def _shape(self, document: Mapping[str, Any], schema: Any) -> _Shape:
        node = self._resolve(document, schema)
        for part in node.pop("allOf", []):
            resolved = self._resolve(document, part)
            node["properties"] = {**resolved.get("properties", {}), **node.get("properties", {})}
            node["required"] = [*resolved.get("required", []), *node.get("required", [])]
            for key, value in resolved.items():
                node.setdefault(key, value)
        nullable = bool(node.get("nullable", False))  # OpenAPI 3.0's way
        options: list[Any] = []
        for union in ("anyOf", "oneOf"):
            for option in node.pop(union, []):
                resolved = self._resolve(document, option)
                if resolved.get("type") == "null" or resolved == {"enum": [None]}:
                    nullable = True
                else:
                    options.append(option)
        if len(options) == 1:  # `X | None`: X, nullable
            inner = self._shape(document, options[0])
            return _Shape(
                raw={**inner.raw, **_bounds_of(node)},
                types=inner.types,
                nullable=nullable or inner.nullable,
                properties=inner.properties,
                required=inner.required,
                variants=inner.variants,
                enum=inner.enum,
            )
        declared = node.get("type", [])
        types = {declared} if isinstance(declared, str) else set(declared)
        if "null" in types:
            nullable = True
            types.discard("null")
        # A union: its types are its members'; members with a structure of their own are
        # also compared one by one, matched by their component or title.
        variants: dict[str, Any] = {}
        for option in options:
            member = self._shape(document, option)
            types |= member.types
            if member.properties or member.enum is not None or "items" in member.raw:
                variants[_variant_key(option, self._resolve(document, option))] = option
        if not types and "properties" in node:
            types = {"object"}
        enum = list(node["enum"]) if "enum" in node else None
        if "const" in node:
            enum = [node["const"]]
        if enum is not None and None in enum:
            nullable = True
            enum = [value for value in enum if value is not None]
        return _Shape(
            raw=node,
            types=frozenset(types),
            nullable=nullable,
            properties=dict(node.get("properties", {})),
            required=frozenset(node.get("required", [])),
            variants=variants,
            enum=enum,
        )

    # --- paths, operations, parameters, bodies ---------------------------------------

    def _path(self, old_path: str, new_path: str) -> None:
        old_item = self._resolve(self.old, self.old["paths"][old_path])
        new_item = self._resolve(self.new, self.new["paths"][new_path])
        for method in METHODS:
            if method not in old_item:
                continue
            if method not in new_item:
                self.findings.append(Finding(old_path, method, "operation removed"))
                continue
            self._operation(method, (old_path, old_item), (new_path, new_item))

    def _operation(
        self, method: str, old: tuple[str, dict[str, Any]], new: tuple[str, dict[str, Any]]
    ) -> None:
        """One operation in both: (its path's template, its path item) on each side."""
        path = old[0]
        old_op = self._resolve(self.old, old[1][method])
        new_op = self._resolve(self.new, new[1][method])
        self._parameters(
            path,
            method,
            self._parameters_of(self.old, old[1], old_op, old[0]),
            self._parameters_of(self.new, new[1], new_op, new[0]),
        )
        self._request_body(path, method, old_op.get("requestBody"), new_op.get("requestBody"))
        old_responses = old_op.get("responses", {})
        new_responses = new_op.get("responses", {})
        for status, old_response in old_responses.items():
            if status not in new_responses:
                self._found(path, method, f"response {status} removed")
                continue
            self._response(path, method, str(status), old_response, new_responses[status])

    def _parameters_of(
        self,
        document: Mapping[str, Any],
        item: Mapping[str, Any],
        operation: Mapping[str, Any],
        template: str,
    ) -> dict[tuple[str, str], dict[str, Any]]:
        """The operation's parameters by where they are: a path parameter by its place in
        the template (renaming `{id}` breaks nobody), a header's name in lower case."""
        places = {name[1:-1]: str(i) for i, name in enumerate(_TEMPLATE_RE.findall(template))}
        found: dict[tuple[str, str], dict[str, Any]] = {}
        for raw in [*item.get("parameters", []), *operation.get("parameters", [])]:
            parameter = self._resolve(document, raw)
            where, name = parameter["in"], parameter["name"]
            if where == "path":
                name = places.get(name, name)
            elif where == "header":
                name = name.lower()
            found[(where, name)] = parameter
        return found

    def _parameters(
        self,
        path: str,
        method: str,
        old: dict[tuple[str, str], dict[str, Any]],
        new: dict[tuple[str, str], dict[str, Any]],
    ) -> None:
        for key, parameter in new.items():
            label = f"{parameter['in']} parameter '{parameter['name']}'"
            before = old.get(key)
            required = bool(parameter.get("required", False))
            if before is None:
                if required:
                    self._found(path, method, f"new required {label}")
                continue
            if required and not before.get("required", False):
                self._found(path, method, f"{label} became required")
            place = _Place(path, method, request=True, prefix=label, whole=label)
            self._schema(before.get("schema", {}), parameter.get("schema", {}), "", place)
        for key, parameter in old.items():
            if key not in new:
                self._found(
                    path, method, f"{parameter['in']} parameter '{parameter['name']}' removed"
                )

    def _request_body(self, path: str, method: str, old: Any, new: Any) -> None:
        if old is None and new is None:
            return
        new_body = self._resolve(self.new, new)
        if old is None:
            if new_body.get("required", False):
                self._found(path, method, "new required request body")
            return
        old_body = self._resolve(self.old, old)
        if new is None:
            self._found(path, method, "request body removed")
            return
        if new_body.get("required", False) and not old_body.get("required", False):
            self._found(path, method, "request body became required")
        new_content = new_body.get("content", {})
        for media, old_media in old_body.get("content", {}).items():
            if media not in new_content:
                self._found(path, method, f"request body no longer accepts {media}")
                continue
            prefix = "request" if media == JSON_MEDIA else f"request ({media})"
            place = _Place(path, method, request=True, prefix=prefix, whole=f"{prefix} body")
            old_schema = old_media.get("schema", {})
            self._schema(old_schema, new_content[media].get("schema", {}), "", place)

    def _response(self, path: str, method: str, status: str, old: Any, new: Any) -> None:
        old_response = self._resolve(self.old, old)
        new_content = self._resolve(self.new, new).get("content", {})
        for media, old_media in old_response.get("content", {}).items():
            if media not in new_content:
                self._found(path, method, f"response {status} no longer answers {media}")
                continue
            prefix = f"response {status}" + ("" if media == JSON_MEDIA else f" ({media})")
            place = _Place(path, method, request=False, prefix=prefix, whole=f"{prefix} body")
            old_schema = old_media.get("schema", {})
            self._schema(old_schema, new_content[media].get("schema", {}), "", place)

    # --- schemas ------------------------------------------------------------------------

    def _schema(self, old_raw: Any, new_raw: Any, at: str, place: _Place) -> None:
        refs = (_ref_of(old_raw), _ref_of(new_raw), place.request)
        if refs[0] is not None and refs[1] is not None:
            if refs in self._comparing:
                return  # a recursive schema, already being compared further up
            self._comparing.add(refs)
        try:
            self._compare(self._shape(self.old, old_raw), self._shape(self.new, new_raw), at, place)
        finally:
            self._comparing.discard(refs)

    def _compare(self, old: _Shape, new: _Shape, at: str, place: _Place) -> None:
        subject = place.name(at)
        self._types(old, new, subject, place)
        if old.enum is not None:
            removed = [v for v in old.enum if new.enum is not None and v not in new.enum]
            for value in removed:
                self._found(place.path, place.method, f"{subject}: enum value {value!r} removed")
        if place.request:
            self._narrowed(old, new, subject, place)
        self._variants(old, new, at, place)
        self._properties(old, new, at, place)
        old_items, new_items = old.raw.get("items"), new.raw.get("items")
        if isinstance(old_items, dict) and isinstance(new_items, dict):
            self._schema(old_items, new_items, f"{at}[]", place)
        old_extra = old.raw.get("additionalProperties")
        new_extra = new.raw.get("additionalProperties")
        if isinstance(old_extra, dict) and isinstance(new_extra, dict):
            self._schema(old_extra, new_extra, f"{at}{{}}", place)

    def _types(self, old: _Shape, new: _Shape, subject: str, place: _Place) -> None:
        # What the client sends must still be accepted (a request: the old shape into the
        # new one); what it receives must still be understood (a response: the new into
        # the old). No types is any type.
        sent, accepted = (old, new) if place.request else (new, old)
        if accepted.types and not (sent.types and _covered(sent.types, accepted.types)):
            self._found(
                place.path,
                place.method,
                f"{subject} changed type from {_types_text(old)} to {_types_text(new)}",
            )
        if sent.nullable and not accepted.nullable:
            change = "no longer accepts null" if place.request else "may now be null"
            self._found(place.path, place.method, f"{subject} {change}")

    def _narrowed(self, old: _Shape, new: _Shape, subject: str, place: _Place) -> None:
        """What a request field accepts, narrowed: bounds, enum, pattern, format, extras."""

        def found(message: str) -> None:
            self._found(place.path, place.method, f"{subject} {message}")

        for key in (*_UPPER_BOUNDS, *_LOWER_BOUNDS):
            before, after = old.raw.get(key), new.raw.get(key)
            upper = key in _UPPER_BOUNDS
            if after is None or before == after:
                continue
            if before is None:
                found(f"{key} {after} added")
            elif (after < before) if upper else (after > before):
                found(f"{key} {'lowered' if upper else 'raised'} from {before} to {after}")
        if old.enum is None and new.enum is not None:
            found(f"now accepts only {new.enum!r}")
        for key in ("pattern", "format", "multipleOf"):
            before, after = old.raw.get(key), new.raw.get(key)
            if after is None or before == after:
                continue
            found(f"{key} {after!r} added" if before is None else f"{key} changed to {after!r}")
        if old.raw.get("additionalProperties", True) is not False and (
            new.raw.get("additionalProperties") is False
        ):
            found("no longer accepts extra fields")

    def _variants(self, old: _Shape, new: _Shape, at: str, place: _Place) -> None:
        if not old.variants and not new.variants:
            return
        sent, accepted = (old, new) if place.request else (new, old)
        for key, option in old.variants.items():
            if key in new.variants:
                self._schema(option, new.variants[key], at, place)
        for key in sent.variants:
            if accepted.variants and key not in accepted.variants:
                change = "no longer accepts" if place.request else "may now be"
                self._found(place.path, place.method, f"{place.name(at)} {change} {key}")

    def _properties(self, old: _Shape, new: _Shape, at: str, place: _Place) -> None:
        for name, old_schema in old.properties.items():
            field_path = f"{at}.{name}" if at else name
            subject = place.name(field_path)
            if name not in new.properties:
                self._found(place.path, place.method, f"{subject} removed")
                continue
            if place.request and name in new.required and name not in old.required:
                self._found(place.path, place.method, f"{subject} became required")
            if not place.request and name in old.required and name not in new.required:
                self._found(place.path, place.method, f"{subject} may now be absent")
            self._schema(old_schema, new.properties[name], field_path, place)
        if place.request:
            for name in sorted(new.required - set(old.properties)):
                subject = place.name(f"{at}.{name}" if at else name)
                self._found(place.path, place.method, f"new required {subject}")

    def _found(self, path: str, method: str, message: str) -> None:
        self.findings.append(Finding(path, method, message))


def _pointer(document: Mapping[str, Any], ref: str) -> dict[str, Any]:
    if not ref.startswith("#/"):
        raise ValueError(f"only local $refs are followed: {ref}")
    node: Any = document
    for part in ref[2:].split("/"):
        node = node[part.replace("~1", "/").replace("~0", "~")]
    if not isinstance(node, dict):
        raise ValueError(f"{ref} is not an object")
    return node


def _ref_of(schema: Any) -> str | None:
    ref = schema.get("$ref") if isinstance(schema, dict) else None
    return ref if isinstance(ref, str) else None


def _variant_key(option: Mapping[str, Any], resolved: Mapping[str, Any]) -> str:
    """How a member of a union is known on both sides: its component, its title, its type."""
    ref = option.get("$ref")
    if isinstance(ref, str):
        return ref.rsplit("/", 1)[-1]
    if "title" in resolved:
        return str(resolved["title"])
    return json.dumps(resolved.get("type", "any"))


def _bounds_of(node: Mapping[str, Any]) -> dict[str, Any]:
    keys = (*_UPPER_BOUNDS, *_LOWER_BOUNDS, "pattern", "format", "multipleOf")
    return {key: node[key] for key in keys if key in node}


def _covered(types: Iterable[str], by: frozenset[str]) -> bool:
    """Every one of `types` is one of `by` (an integer is a number)."""
    return all(t in by or (t == "integer" and "number" in by) for t in types)


def _types_text(shape: _Shape) -> str:
    return "|".join(sorted(shape.types)) or "any"


def _template_key(path: str) -> str:
    """`/orders/{order_id}` and `/orders/{id}` are one path."""
    return _TEMPLATE_RE.sub("{}", path)


# --- the command ----------------------------------------------------------------------


def _services(names: Sequence[str]) -> list[ServiceEntry]:
    known = {entry.name: entry for entry in upstreams()}
    unknown = sorted(set(names) - set(known))
    if unknown:
        raise SystemExit(f"not a service with public paths: {', '.join(unknown)}")
    return [known[name] for name in names] if names else list(known.values())


def export(entries: Iterable[ServiceEntry], root: Path = API_DOCS) -> None:
    root.mkdir(parents=True, exist_ok=True)
    for entry in entries:
        document = live_document(entry)
        path = contract_path(entry.name, root)
        path.write_text(dump(document), encoding="utf-8")
        print(f"wrote {_shown(path)}: {len(document['paths'])} paths")


def check(entries: Iterable[ServiceEntry], *, strict: bool, root: Path = API_DOCS) -> int:
    failed = False
    for entry in entries:
        path = contract_path(entry.name, root)
        if not path.is_file():
            print(f"{entry.name}: no {_shown(path)}: run `{_EXPORT} {entry.name}`")
            failed = True
            continue
        committed, live = load(path), live_document(entry)
        findings = breaking_changes(committed, live)
        if findings:
            print(f"{entry.name}: {len(findings)} breaking changes to {VERSION}:")
            for finding in findings:
                print(f"  {finding}")
            failed = True
        elif dump(live) != dump(committed):
            print(
                f"{entry.name}: compatible changes not recorded yet: run `{_EXPORT} {entry.name}`"
            )
            failed = failed or strict
        else:
            print(f"{entry.name}: {VERSION} unchanged")
    return 1 if failed else 0


def _shown(path: Path) -> str:
    return str(path.relative_to(REPO) if path.is_relative_to(REPO) else path)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    commands = parser.add_subparsers(dest="command", required=True)
    write = commands.add_parser("export", help="write docs/api/<service>.v1.json")
    write.add_argument("services", nargs="*", metavar="SERVICE")
    compare = commands.add_parser("check", help="print breaking changes to the committed ones")
    compare.add_argument("services", nargs="*", metavar="SERVICE")
    compare.add_argument(
        "--strict", action="store_true", help="fail on compatible changes not exported yet"
    )
    args = parser.parse_args(argv)
    entries = _services(args.services)
    if args.command == "export":
        export(entries)
        return 0
    return check(entries, strict=args.strict)


if __name__ == "__main__":
    sys.exit(main())
