"""Jinja rendering of the public modules: service clients, model re-exports, the package init.

Templates are written for reading; ruff formats what they produce. Helpers used inside the
templates are plain functions here (registered as filters) so they can be unit-tested.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import jinja2

from codegen.events import EventSet, event_docs
from codegen.model_index import ModelIndex, TypeRef
from codegen.services import Argument, Method, Service, render_scopes

TEMPLATES = Path(__file__).parent / "templates"


def docstring(text: str, indent: int) -> str:
    """`text` as a triple-quoted docstring literal indented by `indent` spaces."""
    body = text.strip().replace("\\", "\\\\").replace('"""', '\\"\\"\\"')
    pad = " " * indent
    lines = [line.rstrip() for line in body.splitlines()]
    if len(lines) <= 1:
        return f'"""{body}"""'
    rendered = "\n".join((pad + line) if line else "" for line in lines[1:])
    return f'"""{lines[0]}\n{rendered}\n{pad}"""'


def method_doc(method: Method) -> str:
    parts = [method.title.strip() or method.wire_name, "", method.description.strip()]
    scopes = render_scopes(method.scopes)
    if scopes:
        parts += ["", "Scopes:", "", *("    " + line for line in scopes)]
    parts += [
        "",
        f"``{method.http_method} {method.route}`` ({method.wire_name}, {method.stability}).",
    ]
    if method.stability == "deprecated":
        parts.append(
            "Deprecated: marked ``@deprecated`` for type checkers and IDEs; calling it emits a "
            "DeprecationWarning."
        )
    return "\n".join(parts)


def param_decl(argument: Argument) -> str:
    """``task_id: str``: a route parameter in a signature."""
    return f"{argument.name}: {argument.annotation}"


def query_decl(argument: Argument) -> str:
    """``limit: int | None = None``: a query option in a signature (keyword-only)."""
    return f"{argument.name}: {argument.annotation} = None"


def wire_dict(arguments: tuple[Argument, ...]) -> str:
    """``{"taskId": task_id}``: arguments by wire name, as the core takes them."""
    return "{" + ", ".join(f"{a.wire!r}: {a.name}" for a in arguments) + "}"


def iter_doc(method: Method) -> str:
    """The docstring of a paginated method's ``iter_`` twin."""
    assert method.paging is not None
    limit = any(q.wire == "limit" for q in method.query)
    deprecated = method.stability == "deprecated"
    return "\n".join(
        [
            f"{method.title.strip() or method.wire_name}: every page, fetched as you iterate",
            "",
            f"Iterating yields the ``{method.paging.wire}`` of every page; ``.pages()`` yields",
            "the pages. Nothing is sent before the iteration starts, then one request per page",
            "until a page has no ``continuationToken``. The arguments are those of",
            f"`{method.name}` (checked now): ``continuation_token`` is where to start"
            + (", ``limit`` the page size." if limit else "."),
            "",
            f"``{method.http_method} {method.route}`` ({method.wire_name}, {method.stability}).",
            *(["Deprecated: calling it emits a DeprecationWarning."] if deprecated else []),
        ]
    )


def service_doc(service: Service) -> str:
    return f"{service.title}\n\n{service.description.strip()}"


def environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=False,
        autoescape=False,
    )
    env.filters["docstring"] = docstring
    env.filters["pyrepr"] = repr
    env.filters["param_decl"] = param_decl
    env.filters["query_decl"] = query_decl
    env.filters["wire_dict"] = wire_dict
    return env


def render_service(env: jinja2.Environment, service: Service, header: str) -> str:
    annotations = [a.annotation for m in service.methods for a in (*m.params, *m.query)]
    return env.get_template("service.py.jinja").render(
        service=service,
        header=header,
        service_doc=service_doc(service),
        method_docs={m.wire_name: method_doc(m) for m in service.methods},
        iter_docs={m.wire_name: iter_doc(m) for m in service.paginated},
        uses_literal=any("Literal[" in a for a in annotations),
        uses_any=any(m.generic_input for m in service.methods),
        uses_deprecated=any(m.stability == "deprecated" for m in service.methods),
        uses_reply=any(m.raw_reply for m in service.methods),
    )


def render(env: jinja2.Environment, template: str, **context: Any) -> str:
    return env.get_template(template).render(**context)


def render_events(
    env: jinja2.Environment, event_sets: Sequence[EventSet], header: str
) -> dict[str, str]:
    """``events/``: one module per service with exchanges, and the package's `parse_message`."""
    init = render(env, "events_init.py.jinja", event_sets=event_sets, header=header)
    files = {"events/__init__.py": init}
    for event_set in event_sets:
        files[f"events/{event_set.module}.py"] = render(
            env, "events.py.jinja", events=event_set, docs=event_docs(event_set), header=header
        )
    return files


def render_public(
    index: ModelIndex,
    services: list[Service],
    header: str,
    typed_dicts: dict[str, list[TypeRef]] | None = None,
    event_sets: Sequence[EventSet] = (),
) -> dict[str, str]:
    """The public generated files, by path relative to the package directory."""
    env = environment()
    package_init = render(
        env, "package_init.py.jinja", services=services, event_sets=event_sets, header=header
    )
    files: dict[str, str] = {
        "__init__.py": package_init,
        "services/__init__.py": render(
            env, "services_init.py.jinja", services=services, header=header
        ),
        "models/__init__.py": render(env, "models_init.py.jinja", header=header),
    }
    for service in services:
        files[f"services/{service.module}.py"] = render_service(env, service, header)
        exports = index.exports.get(service.name, ())
        files[f"models/{service.module}.py"] = render(
            env,
            "models.py.jinja",
            service=service,
            exports=exports,
            typed_dicts=(typed_dicts or {}).get(service.name, []),
            header=header,
        )
    files.update(render_events(env, event_sets, header))
    files["payloads/__init__.py"] = render(
        env, "payloads_init.py.jinja", payloads=index.payloads, header=header
    )
    for payload in index.payloads:
        files[f"payloads/{payload.module}.py"] = render(
            env, "payloads.py.jinja", payload=payload, header=header
        )
    return files
