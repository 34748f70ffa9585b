"""docs/asyncapi.yaml and docs/events.md, checked against the producers' code.

Every `outbox.record_event(...)` call under services/*/src is found in the source and
its `type=` and `data=` arguments are followed statically: through string constants,
f-strings, helper functions returning a dict literal, and the arguments a wrapper is
called with. The producer is the `source=` of the service's `Outbox(...)`. The
catalogue must then have a channel for every type produced, from the right producer,
whose `data` schema names exactly the fields the code writes. A call this reader
cannot follow fails the test with its location, rather than being skipped.
"""

from __future__ import annotations

import ast
import itertools
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import referencing
import yaml

from pos_kit.events.envelope import Event

REPO = Path(__file__).resolve().parents[2]
ASYNCAPI = REPO / "docs" / "asyncapi.yaml"
EVENTS_MD = REPO / "docs" / "events.md"
SUBJECT_PREFIX = "pos.events."
MAX_DEPTH = 8


# --- reading the producers' code ---------------------------------------------------


class Unresolvable(Exception):
    """The reader cannot tell statically what an expression evaluates to."""


@dataclass(frozen=True)
class Function:
    module: Path
    node: ast.FunctionDef | ast.AsyncFunctionDef
    # A method called as `obj.f(a)` gets `a` as its second parameter (after self/cls).
    bound: bool

    @property
    def params(self) -> list[ast.arg]:
        args = self.node.args
        return [*args.posonlyargs, *args.args, *args.kwonlyargs]

    @property
    def positional(self) -> list[str]:
        names = [a.arg for a in (*self.node.args.posonlyargs, *self.node.args.args)]
        return names[1:] if self.bound else names

    def default(self, name: str) -> ast.expr | None:
        args = self.node.args
        positional = [*args.posonlyargs, *args.args]
        with_default = positional[len(positional) - len(args.defaults) :]
        defaults = {a.arg: v for a, v in zip(with_default, args.defaults, strict=True)}
        for arg, value in zip(args.kwonlyargs, args.kw_defaults, strict=True):
            if value is not None:
                defaults[arg.arg] = value
        return defaults.get(name)


@dataclass
class Scope:
    """Where an expression is evaluated: a function, with its parameters bound (or not)."""

    function: Function | None
    module: Path
    bindings: dict[str, tuple[ast.expr, Scope]] | None = None


@dataclass
class ServiceSource:
    """One service's modules, indexed by the names the reader looks up."""

    name: str
    functions: dict[str, list[Function]] = field(default_factory=dict)
    constants: dict[str, list[tuple[Path, ast.expr]]] = field(default_factory=dict)
    # (call, module, the function the call is in) for every call in the service
    calls: list[tuple[ast.Call, Path, Function | None]] = field(default_factory=list)

    @classmethod
    def load(cls, directory: Path) -> ServiceSource:
        source = cls(directory.name)
        for path in sorted(directory.glob("src/**/*.py")):
            tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
            source._index(path, tree)
        return source

    def _index(self, path: Path, tree: ast.Module) -> None:
        for node in tree.body:
            if isinstance(node, ast.Assign | ast.AnnAssign):
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                for target in targets:
                    if isinstance(target, ast.Name) and node.value is not None:
                        self.constants.setdefault(target.id, []).append((path, node.value))
        functions: list[Function] = []
        for node in ast.walk(tree):
            if isinstance(node, ast.ClassDef):
                for item in node.body:
                    if isinstance(item, ast.FunctionDef | ast.AsyncFunctionDef):
                        static = any(
                            isinstance(d, ast.Name) and d.id == "staticmethod"
                            for d in item.decorator_list
                        )
                        functions.append(Function(path, item, bound=not static))
        for node in tree.body:
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                functions.append(Function(path, node, bound=False))
        for function in functions:
            self.functions.setdefault(function.node.name, []).append(function)
            for call in ast.walk(function.node):
                if isinstance(call, ast.Call):
                    self.calls.append((call, path, function))

    def calls_to(self, function: Function) -> Iterator[tuple[ast.Call, Scope]]:
        name = function.node.name
        for call, path, caller in self.calls:
            func = call.func
            called = (isinstance(func, ast.Name) and func.id == name and not function.bound) or (
                isinstance(func, ast.Attribute) and func.attr == name
            )
            if called and caller is not function:
                yield call, Scope(caller, path)

    def bind(self, function: Function, call: ast.Call, caller: Scope) -> Scope:
        bindings: dict[str, tuple[ast.expr, Scope]] = {}
        for name, value in zip(function.positional, call.args, strict=False):
            bindings[name] = (value, caller)
        for keyword in call.keywords:
            if keyword.arg is not None:
                bindings[keyword.arg] = (keyword.value, caller)
        return Scope(function, function.module, bindings)

    def instances(self, scope: Scope, names: set[str], depth: int) -> list[Scope]:
        """The scope once per call site, when the expressions read its parameters."""
        function = scope.function
        if function is None or scope.bindings is not None:
            return [scope]
        if not names & {p.arg for p in function.params}:
            return [scope]
        if depth > MAX_DEPTH:
            raise Unresolvable(f"{function.module}:{function.node.lineno}: calls nest too deep")
        found = [self.bind(function, call, caller) for call, caller in self.calls_to(function)]
        if not found:
            raise Unresolvable(
                f"{function.module}:{function.node.lineno}: {function.node.name}() is never "
                "called in its service, so its event's type/data cannot be read"
            )
        return found

    # -- strings: the event type and source

    def strings(self, expr: ast.expr, scope: Scope, depth: int = 0) -> set[str]:
        if depth > MAX_DEPTH:
            raise Unresolvable(_where(scope, expr) + ": too deep")
        if isinstance(expr, ast.Constant) and isinstance(expr.value, str):
            return {expr.value}
        if isinstance(expr, ast.JoinedStr):
            parts: list[set[str]] = []
            for value in expr.values:
                if isinstance(value, ast.FormattedValue):
                    parts.append(self.strings(value.value, scope, depth + 1))
                else:
                    parts.append(self.strings(value, scope, depth + 1))
            return {"".join(p) for p in itertools.product(*parts)}
        if isinstance(expr, ast.Name | ast.Attribute):
            return set().union(
                *(self.strings(e, s, depth + 1) for e, s in self._lookup(expr, scope, depth))
            )
        raise Unresolvable(f"{_where(scope, expr)}: cannot read {ast.unparse(expr)!r} statically")

    # -- dict keys: the event data

    def keys(self, expr: ast.expr, scope: Scope, depth: int = 0) -> set[frozenset[str]]:
        if depth > MAX_DEPTH:
            raise Unresolvable(_where(scope, expr) + ": too deep")
        if isinstance(expr, ast.Dict):
            alternatives: list[set[frozenset[str]]] = []
            for key, value in zip(expr.keys, expr.values, strict=True):
                if key is None:  # **spread
                    alternatives.append(self.keys(value, scope, depth + 1))
                elif isinstance(key, ast.Constant) and isinstance(key.value, str):
                    alternatives.append({frozenset({key.value})})
                else:
                    raise Unresolvable(f"{_where(scope, key)}: a data key is not a string literal")
            return {frozenset().union(*combo) for combo in itertools.product(*alternatives)}
        if isinstance(expr, ast.Call):
            func = expr.func
            name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", None)
            if name == "dict" and not expr.args:
                return {frozenset(k.arg for k in expr.keywords if k.arg is not None)}
            candidates = self.functions.get(name or "", [])
            if not candidates:
                raise Unresolvable(f"{_where(scope, expr)}: no function {name}() in the service")
            results: set[frozenset[str]] = set()
            for function in candidates:
                inner = self.bind(function, expr, scope)
                returns = [
                    n.value
                    for n in ast.walk(function.node)
                    if isinstance(n, ast.Return) and n.value
                ]
                if not returns:
                    raise Unresolvable(f"{_where(scope, expr)}: {name}() returns nothing")
                for value in returns:
                    results |= self.keys(value, inner, depth + 1)
            return results
        if isinstance(expr, ast.Name | ast.Attribute):
            return set().union(
                *(self.keys(e, s, depth + 1) for e, s in self._lookup(expr, scope, depth))
            )
        raise Unresolvable(f"{_where(scope, expr)}: cannot read {ast.unparse(expr)!r} statically")

    def _lookup(
        self, expr: ast.Name | ast.Attribute, scope: Scope, depth: int
    ) -> list[tuple[ast.expr, Scope]]:
        """What a name stands for: a bound parameter, a local, a module or service constant."""
        if isinstance(expr, ast.Name) and scope.function is not None:
            name = expr.id
            if scope.bindings is not None and name in scope.bindings:
                return [scope.bindings[name]]
            if name in {p.arg for p in scope.function.params}:
                default = scope.function.default(name)
                if scope.bindings is not None and default is not None:
                    return [(default, scope)]
                return [
                    (expr, instance)
                    for instance in self.instances(scope, {name}, depth + 1)
                    if instance is not scope
                ] or _unresolvable(scope, expr)
            local = [
                node.value
                for node in ast.walk(scope.function.node)
                if isinstance(node, ast.Assign)
                and any(isinstance(t, ast.Name) and t.id == name for t in node.targets)
            ]
            if local:
                return [(value, scope) for value in local]
        name = expr.id if isinstance(expr, ast.Name) else expr.attr
        found = self.constants.get(name, [])
        same_module = [(v, Scope(None, p)) for p, v in found if p == scope.module]
        return same_module or [(v, Scope(None, p)) for p, v in found] or _unresolvable(scope, expr)


def _unresolvable(scope: Scope, expr: ast.expr) -> list[tuple[ast.expr, Scope]]:
    raise Unresolvable(f"{_where(scope, expr)}: cannot tell what {ast.unparse(expr)!r} is")


def _where(scope: Scope, node: ast.AST) -> str:
    return f"{scope.module.relative_to(REPO)}:{getattr(node, 'lineno', '?')}"


@dataclass(frozen=True)
class Produced:
    """One event type a service records, with the top-level fields of its data."""

    service: str
    type: str
    source: str
    fields: frozenset[str]
    where: str


def _record_event_calls(source: ServiceSource) -> Iterator[tuple[ast.Call, Scope]]:
    for call, path, function in source.calls:
        func = call.func
        name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", None)
        if name == "record_event":
            yield call, Scope(function, path)


def _names(expr: ast.expr) -> set[str]:
    return {n.id for n in ast.walk(expr) if isinstance(n, ast.Name)}


def _key_names(expr: ast.expr) -> set[str]:
    """The names the *keys* of a data expression depend on (not its values)."""
    if isinstance(expr, ast.Name):
        return {expr.id}
    if isinstance(expr, ast.Dict):
        found: set[str] = set()
        for key, value in zip(expr.keys, expr.values, strict=True):
            found |= _key_names(value) if key is None else _names(key)
        return found
    if isinstance(expr, ast.Call | ast.Attribute):
        return set()  # a helper's or a constant's keys do not depend on this scope
    return _names(expr)


def _argument(call: ast.Call, name: str, where: str) -> ast.expr:
    for keyword in call.keywords:
        if keyword.arg == name:
            return keyword.value
    raise Unresolvable(f"{where}: {ast.unparse(call.func)}(...) without {name}=")


def _outbox_sources(source: ServiceSource, directory: Path) -> set[str]:
    """The `source=` of every `Outbox(...)` the service builds: the producer of its events."""
    found: set[str] = set()
    for path in sorted(directory.glob("src/**/*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            func = getattr(node, "func", None)
            name = getattr(func, "id", None) or getattr(func, "attr", None)
            if isinstance(node, ast.Call) and name == "Outbox":
                where = f"{path.relative_to(REPO)}:{node.lineno}"
                found |= source.strings(_argument(node, "source", where), Scope(None, path))
    return found


@cache
def produced_events() -> tuple[Produced, ...]:
    found: set[Produced] = set()
    for directory in sorted((REPO / "services").iterdir()):
        if not (directory / "src").is_dir():
            continue
        source = ServiceSource.load(directory)
        sources = _outbox_sources(source, directory)
        for call, scope in _record_event_calls(source):
            where = _where(scope, call)
            if len(sources) != 1:
                raise Unresolvable(f"{where}: the service must build one Outbox, not {sources}")
            arguments = {n: _argument(call, n, where) for n in ("type", "data")}
            read = _names(arguments["type"]) | _key_names(arguments["data"])
            for instance in source.instances(scope, read, 0):
                types = source.strings(arguments["type"], instance)
                data = source.keys(arguments["data"], instance)
                for event_type, producer, fields in itertools.product(types, sources, data):
                    found.add(Produced(directory.name, event_type, producer, fields, where))
    return tuple(sorted(found, key=lambda p: (p.type, p.where)))


# --- the catalogue ----------------------------------------------------------------------


@pytest.fixture(scope="module")
def asyncapi() -> dict[str, Any]:
    document = yaml.safe_load(ASYNCAPI.read_text(encoding="utf-8"))
    assert isinstance(document, dict)
    return document


def resolve(document: dict[str, Any], node: Any) -> Any:
    """Follow local `$ref`s (`#/a/b`) until a real node."""
    while isinstance(node, dict) and "$ref" in node:
        target: Any = document
        for part in node["$ref"].removeprefix("#/").split("/"):
            target = target[part]
        node = target
    return node


def event_messages(document: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The message of every pos.events.* channel, by event type."""
    found: dict[str, dict[str, Any]] = {}
    for key, channel in document["channels"].items():
        if not channel["address"].startswith(SUBJECT_PREFIX):
            continue
        (message,) = (resolve(document, m) for m in channel["messages"].values())
        event_type = channel["address"].removeprefix(SUBJECT_PREFIX)
        assert message["name"] == event_type, f"channel {key}: message {message['name']}"
        found[event_type] = message
    return found


def data_schema(document: dict[str, Any], message: dict[str, Any]) -> dict[str, Any]:
    envelope, specific = message["payload"]["allOf"]
    assert resolve(document, envelope) is document["components"]["schemas"]["CloudEvent"]
    return resolve(document, specific["properties"]["data"])


def registry(document: dict[str, Any]) -> referencing.Registry:
    resource = referencing.Resource.from_contents(
        document, default_specification=referencing.jsonschema.DRAFT202012
    )
    return referencing.Registry().with_resource("asyncapi", resource)


FORMATS = jsonschema.FormatChecker()


@FORMATS.checks("date-time", raises=ValueError)
def _rfc3339(value: object) -> bool:
    # jsonschema checks date-time only with an optional package; RFC 3339 is simple enough.
    if not isinstance(value, str):
        return True
    moment = datetime.fromisoformat(value)
    return "T" in value.upper() and moment.tzinfo is not None


def validator(document: dict[str, Any], schema: dict[str, Any]) -> jsonschema.Validator:
    return jsonschema.Draft202012Validator(
        _rebase(schema), registry=registry(document), format_checker=FORMATS
    )


def _rebase(node: Any) -> Any:
    """Point `#/...` references at the AsyncAPI document registered as `asyncapi`."""
    if isinstance(node, dict):
        return {
            k: (f"asyncapi{v}" if k == "$ref" and v.startswith("#/") else _rebase(v))
            for k, v in node.items()
        }
    if isinstance(node, list):
        return [_rebase(v) for v in node]
    return node


def test_the_code_produces_events() -> None:
    produced = produced_events()
    assert len({p.type for p in produced}) >= 10, "the reader found too few record_event calls"
    assert {p.service for p in produced} >= {"auth", "inventory", "pos-core"}


def test_asyncapi_is_a_3_0_document_whose_references_resolve(asyncapi: dict[str, Any]) -> None:
    assert asyncapi["asyncapi"] == "3.0.0"
    assert asyncapi["defaultContentType"] == "application/cloudevents+json"
    channels = asyncapi["channels"]

    def walk(node: Any) -> Iterator[str]:
        if isinstance(node, dict):
            if "$ref" in node:
                yield node["$ref"]
            for value in node.values():
                yield from walk(value)
        elif isinstance(node, list):
            for value in node:
                yield from walk(value)

    for reference in walk(asyncapi):
        assert reference.startswith("#/"), f"only local references: {reference}"
        resolve(asyncapi, {"$ref": reference})
    for name, operation in asyncapi["operations"].items():
        assert operation["action"] in ("send", "receive"), name
        channel_ref = operation["channel"]["$ref"]
        channel_key = channel_ref.removeprefix("#/channels/")
        assert channel_key in channels, name
        for message in operation["messages"]:
            assert message["$ref"].startswith(f"{channel_ref}/messages/"), (
                f"operation {name} sends a message that is not its channel's"
            )
    for schema in asyncapi["components"]["schemas"].values():
        jsonschema.Draft202012Validator.check_schema(schema)


def test_asyncapi_covers_every_event_type_the_code_produces(asyncapi: dict[str, Any]) -> None:
    messages = event_messages(asyncapi)
    for produced in produced_events():
        assert produced.type in messages, (
            f"{produced.where} records {produced.type!r}, which docs/asyncapi.yaml lacks"
        )
        message = messages[produced.type]
        assert message["x-pos-status"] == "produced", (
            f"{produced.type} is produced now ({produced.where}): document its data schema "
            "and mark it produced"
        )
        assert message["x-pos-producer"] == produced.source == produced.service, produced
    produced_types = {p.type for p in produced_events()}
    for event_type, message in messages.items():
        if message["x-pos-status"] == "produced":
            assert event_type in produced_types, (
                f"{event_type} is catalogued as produced, but no record_event call makes it"
            )


def test_asyncapi_data_fields_are_the_ones_the_code_writes(asyncapi: dict[str, Any]) -> None:
    messages = event_messages(asyncapi)
    for produced in produced_events():
        schema = data_schema(asyncapi, messages[produced.type])
        documented = set(schema.get("properties", {}))
        assert documented == produced.fields, (
            f"{produced.type}: {produced.where} writes {sorted(produced.fields)}, the schema "
            f"documents {sorted(documented)}"
        )
        assert set(schema.get("required", [])) == produced.fields, (
            f"{produced.type}: every field the code always writes is required"
        )


def test_asyncapi_examples_match_their_schemas(asyncapi: dict[str, Any]) -> None:
    for event_type, message in event_messages(asyncapi).items():
        examples = message.get("examples", [])
        if message["x-pos-status"] == "produced":
            assert examples, f"{event_type}: give the message an example"
        for example in examples:
            errors = sorted(
                f"{list(e.absolute_path)}: {e.message}"
                for e in validator(asyncapi, message["payload"]).iter_errors(example["payload"])
            )
            assert not errors, f"{event_type} example: {errors}"
            data_keys = set(example["payload"]["data"])
            documented = set(data_schema(asyncapi, message).get("properties", {}))
            assert data_keys == documented, f"{event_type}: the example shows every field"


def test_asyncapi_envelope_is_what_pos_kit_writes(asyncapi: dict[str, Any]) -> None:
    envelope = asyncapi["components"]["schemas"]["CloudEvent"]
    for traceparent in (None, "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"):
        event = Event.new(
            source="pos-core",
            type="order.placed",
            data={"order_id": "3e4f5a6b-7c8d-4e9f-a0b1-c2d3e4f5a6b7"},
            tenant_id="7d7a3c8e-2f4b-4d8a-9a51-0c1f5e2b9d10",
            correlation_id="5f0c6d0e9b6a4f4e8e1d2c3b4a596877",
            traceparent=traceparent,
        )
        body = event.to_dict()
        errors = [e.message for e in validator(asyncapi, envelope).iter_errors(body)]
        assert not errors, errors
        assert set(envelope["required"]) == set(body) - {"traceparent"}
        assert set(envelope["properties"]) == set(body) | {"traceparent"}
    check = validator(asyncapi, envelope)
    with pytest.raises(jsonschema.ValidationError):
        check.validate({k: v for k, v in body.items() if k != "tenantid"})
    with pytest.raises(jsonschema.ValidationError):
        check.validate({**body, "time": datetime.now(UTC).date().isoformat()})


def test_asyncapi_dead_letter_headers_are_the_consumers(asyncapi: dict[str, Any]) -> None:
    consumer_source = (REPO / "libs/pos-kit/src/pos_kit/events/consumer.py").read_text()
    tree = ast.parse(consumer_source)
    written = {
        node.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and node.value.startswith("Pos-Dlq-")
    }
    headers = asyncapi["components"]["schemas"]["DeadLetterHeaders"]["properties"]
    assert written, "no Pos-Dlq-* header found in pos_kit/events/consumer.py"
    assert written == {h for h in headers if h.startswith("Pos-Dlq-")}
    (channel,) = [c for c in asyncapi["channels"].values() if c["address"].startswith("pos.dlq.")]
    assert channel["address"] == "pos.dlq.{consumer}"


def test_events_md_describes_every_catalogued_type(asyncapi: dict[str, Any]) -> None:
    text = EVENTS_MD.read_text(encoding="utf-8")
    for event_type, message in event_messages(asyncapi).items():
        assert f"`{event_type}`" in text, f"docs/events.md does not describe {event_type}"
        if message["x-pos-status"] == "produced":
            schema = data_schema(asyncapi, message)
            for name in schema.get("properties", {}):
                assert f"`{name}`" in text, f"docs/events.md: {event_type} lacks field {name}"
    for header in asyncapi["components"]["schemas"]["DeadLetterHeaders"]["properties"]:
        assert header in text, f"docs/events.md does not mention the {header} header"
