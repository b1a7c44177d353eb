"""Jinja rendering of the public modules: service clients, model re-exports, the package init.

Templates are written for reading; ruff formats what they produce. Helpers used inside the
templates are plain functions here (registered as filters) so they can be unit-tested.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import jinja2

from codegen.model_index import ModelIndex
from codegen.services import Method, Service, render_scopes

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
        parts += ["", "Scopes:", *("    " + line for line in scopes)]
    parts += [
        "",
        f"``{method.http_method} {method.route}`` ({method.wire_name}, {method.stability}).",
    ]
    if method.stability == "deprecated":
        parts.append("Deprecated: calling it emits a DeprecationWarning.")
    return "\n".join(parts)


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
    return env


def render_service(env: jinja2.Environment, service: Service, header: str) -> str:
    annotations = [a.annotation for m in service.methods for a in (*m.params, *m.query)]
    return env.get_template("service.py.jinja").render(
        service=service,
        header=header,
        service_doc=service_doc(service),
        method_docs={m.wire_name: method_doc(m) for m in service.methods},
        uses_literal=any("Literal[" in a for a in annotations),
        uses_reply=any(m.raw_reply for m in service.methods),
    )


def render(env: jinja2.Environment, template: str, **context: Any) -> str:
    return env.get_template(template).render(**context)


def render_public(index: ModelIndex, services: list[Service], header: str) -> dict[str, str]:
    """The public generated files, by path relative to the package directory."""
    env = environment()
    files: dict[str, str] = {
        "__init__.py": render(env, "package_init.py.jinja", services=services, header=header),
        "services/__init__.py": render(env, "services_init.py.jinja", header=header),
        "models/__init__.py": render(env, "models_init.py.jinja", header=header),
    }
    for service in services:
        files[f"services/{service.module}.py"] = render_service(env, service, header)
        exports = index.exports.get(service.name, ())
        files[f"models/{service.module}.py"] = render(
            env, "models.py.jinja", service=service, exports=exports, header=header
        )
    return files
