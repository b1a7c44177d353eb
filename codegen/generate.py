"""``generate_models``: pinned references -> ``_models/`` and ``_typeddicts/`` + a ModelIndex.

Everything is generated into a temporary directory and checked there; the package's two
generated directories are replaced whole only when every check passed.
"""

from __future__ import annotations

import ast
import functools
import shutil
import tempfile
from pathlib import Path

from codegen.api_refs import ServiceReferences, load_service_references
from codegen.config import DEFAULT_PYPROJECT, Config, load_config
from codegen.datetimes import apply_utc_datetimes
from codegen.events import load_event_sets
from codegen.generic_payload import apply_generic_fields, split_field
from codegen.indexing import (
    build_slots,
    check_numbered_names,
    counter_names,
    root_refs,
    service_exports,
)
from codegen.model_index import ModelIndex, PayloadModule, TypeRef
from codegen.model_source import Definition, QualName, scan_models
from codegen.models import (
    ModelMeta,
    format_python,
    generated_header,
    module_of_file,
    read_metadata,
    run_dcg,
)
from codegen.naming import snake_case
from codegen.open_enums import apply_open_enums
from codegen.pagination import Paging, find_paging
from codegen.preprocess import TREE_DIR, preprocess
from codegen.references import verify_lock
from codegen.render import render_public
from codegen.schema_tree import SchemaSet
from codegen.services import Service, ServicesConfig, load_service
from codegen.typeddicts import TypedDictModule, emit_service

MODELS_DIR = "_models"
TYPEDDICTS_DIR = "_typeddicts"


def _model_names(metadata: list[ModelMeta]) -> dict[str, str]:
    """source_ref -> class name, from each schema's own module."""
    return {m.source_ref: m.class_name for m in metadata if m.module == module_of_file(m.file)}


def _write_typeddicts(
    directory: Path,
    services: list[ServiceReferences],
    schemas: SchemaSet,
    names: dict[str, str],
    *,
    package: str,
    header: str,
    config: Config,
) -> tuple[list[TypedDictModule], dict[str, TypedDictModule]]:
    """One module per service that has methods with an input, and one per worker payload
    schema (returned apart, by module name)."""
    directory.mkdir(parents=True)
    doc = '"""TypedDicts of request payloads, one module per service (generated)."""'
    (directory / "__init__.py").write_text(f"{header}\n{doc}\n", encoding="utf-8")
    modules = []
    for service in services:
        inputs = service.input_refs()
        if inputs:
            module = emit_service(
                service.service,
                inputs,
                schemas,
                names,
                package=package,
                header=header,
                generic_fields=config.generic_payload_fields,
            )
            path = directory / f"{snake_case(service.service)}.py"
            path.write_text(module.source, encoding="utf-8")
            modules.append(module)
    payloads = {}
    for name, schema in sorted(config.worker_payloads.items()):
        worker, _, ref = schema.partition("/")
        module = emit_service(
            worker,
            [f"{ref}#"],
            schemas,
            names,
            package=package,
            header=header,
            module_name=name,
            what=f"The worker payload of `{schema}`",
        )
        (directory / f"{name}.py").write_text(module.source, encoding="utf-8")
        payloads[name] = module
    return modules, payloads


def _payload_modules(
    config: Config,
    td_modules: dict[str, TypedDictModule],
    roots: dict[str, TypeRef],
    definitions: dict[QualName, Definition],
    numbered: set[QualName],
    models_package: str,
) -> tuple[PayloadModule, ...]:
    """What ``taskcluster_typed.payloads`` publishes: per schema, its module's models (no
    counter-made names) and TypedDicts."""
    found = []
    for name, schema in sorted(config.worker_payloads.items()):
        module = module_of_file(schema)
        models = tuple(
            TypeRef(f"{models_package}.{module}", qualname[1], definition.kind)
            for qualname, definition in sorted(definitions.items())
            if qualname[0] == module and qualname not in numbered
        )
        td_module = td_modules[name]
        root_dict = next(iter(td_module.roots.values()))
        found.append(
            PayloadModule(
                module=name,
                schema=schema,
                root=roots[f"{schema}#"],
                root_dict=root_dict,
                models=models,
                typed_dicts=tuple(
                    TypeRef(td_module.module, n, "typeddict") for n in td_module.names
                ),
            )
        )
    return tuple(found)


def _replace_dir(source: Path, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = target.with_name(f".{target.name}.new")
    if staging.exists():
        shutil.rmtree(staging)
    shutil.copytree(source, staging)
    if target.exists():
        shutil.rmtree(target)
    staging.rename(target)


def generate_models(
    refs_dir: Path,
    package_dir: Path,
    *,
    config: Config | None = None,
    pyproject: Path = DEFAULT_PYPROJECT,
) -> ModelIndex:
    """Generate ``package_dir/_models`` (pydantic models, one module per schema file) and
    ``package_dir/_typeddicts`` (one module per service) from the pinned ``refs_dir``.

    Fails, writing nothing, if the references do not match their lock, an api slot has no
    type, or a type reachable from an api entry has a numbered name."""
    config = config if config is not None else load_config(pyproject)
    lock = verify_lock(refs_dir)
    header = generated_header(lock.taskcluster_version)
    package = package_dir.name
    models_package = f"{package}.{MODELS_DIR}"
    services = load_service_references(refs_dir)
    with tempfile.TemporaryDirectory(prefix="tc-codegen-") as tmp:
        work = Path(tmp)
        pre = preprocess(refs_dir, work, config)
        models_dir = work / "out" / MODELS_DIR
        metadata_path = work / "model-metadata.json"
        run_dcg(work / TREE_DIR, models_dir, metadata_path, version=lock.taskcluster_version)
        metadata = read_metadata(metadata_path)
        apply_generic_fields(models_dir, config.generic_payload_fields, _model_names(metadata))
        apply_utc_datetimes(models_dir)
        apply_open_enums(models_dir)
        typeddicts_dir = work / "out" / TYPEDDICTS_DIR
        td_modules, payload_dicts = _write_typeddicts(
            typeddicts_dir,
            services,
            pre.schemas,
            _model_names(metadata),
            package=f"{package}.{TYPEDDICTS_DIR}",
            header=header,
            config=config,
        )
        format_python([models_dir, typeddicts_dir], pyproject)

        definitions = scan_models(models_dir)
        roots = root_refs(metadata, definitions, models_package)
        typed_dicts: dict[str, TypeRef] = {}
        for td_module in td_modules:
            typed_dicts.update(td_module.roots)
        slots = build_slots(services, roots, typed_dicts)
        numbered = counter_names(definitions, metadata, pre.schemas)
        start: list[QualName] = []
        for slot in slots:
            qualname = (slot.model.module.removeprefix(models_package + "."), slot.model.name)
            if qualname not in start:
                start.append(qualname)
        source_refs = {(m.module, m.class_name): m.source_ref for m in metadata}
        api_reachable = check_numbered_names(definitions, start, numbered, source_refs)
        exports = {
            s.service: service_exports(s, metadata, definitions, roots, models_package, numbered)
            for s in services
        }
        payloads = _payload_modules(
            config, payload_dicts, roots, definitions, numbered, models_package
        )
        kinds = [d.kind for d in definitions.values()]
        stats = {
            "schemas": len(pre.schemas),
            "model modules": sum(1 for p in models_dir.rglob("*.py") if p.name != "__init__.py"),
            "classes": kinds.count("model"),
            "aliases": kinds.count("alias"),
            "api-reachable types": len(api_reachable),
            "counter-made names (none api-reachable)": len(numbered),
            "typeddict modules": len(td_modules),
            "typeddicts": sum(len(m.names) for m in td_modules),
            "worker payload modules": len(payloads),
            "exports": sum(len(e) for e in exports.values()),
            **{f"rewrites {step}": n for step, n in pre.counts().items()},
        }
        _replace_dir(models_dir, package_dir / MODELS_DIR)
        _replace_dir(typeddicts_dir, package_dir / TYPEDDICTS_DIR)
    return ModelIndex(
        taskcluster_version=lock.taskcluster_version,
        roots=roots,
        slots=slots,
        typed_dicts=dict(sorted(typed_dicts.items())),
        exports=exports,
        stats=stats,
        payloads=payloads,
    )


PUBLIC_DIRS = ("services", "models", "events", "payloads")
PUBLIC_FILES = ("__init__.py",)
# Everything the generator owns inside the package, relative to the package directory.
GENERATED_PATHS = (MODELS_DIR, TYPEDDICTS_DIR, *PUBLIC_DIRS, *PUBLIC_FILES)


def load_services(
    refs_dir: Path, index: ModelIndex, config: Config, package_dir: Path
) -> list[Service]:
    """Every service with an HTTP API, sorted by name, its types resolved through `index`
    and the items of its paginated methods read from the models in `package_dir`."""
    settings = ServicesConfig(
        query_types=config.query_types,
        int_params=config.int_params,
        raw_reply_methods=config.raw_reply_methods,
        generic_inputs=frozenset(split_field(f)[0] for f in config.generic_payload_fields),
    )
    services = load_service_references(refs_dir)

    def paging(service: str, method: str, output: TypeRef) -> Paging:
        return find_paging(
            method,
            output,
            models_dir=package_dir / MODELS_DIR,
            models_package=f"{package_dir.name}.{MODELS_DIR}",
            exports=index.exports.get(service, ()),
            override=config.pagination_items.get(method),
        )

    return [
        load_service(
            refs_dir / snake.service / "v1" / "api.json",
            refs_dir,
            settings,
            index.model,
            lambda service, ref: index.typed_dicts.get(f"{service}/{ref}"),
            functools.partial(paging, snake.service),
        )
        for snake in services
        if snake.entries
    ]


def typed_dict_exports(package_dir: Path, services: list[Service]) -> dict[str, list[TypeRef]]:
    """Every TypedDict a service's generated ``_typeddicts`` module lists in ``__all__``."""
    found: dict[str, list[TypeRef]] = {}
    package = package_dir.name
    for service in services:
        path = package_dir / TYPEDDICTS_DIR / f"{service.module}.py"
        if not path.exists():
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        names: list[str] = []
        for node in tree.body:
            if isinstance(node, ast.Assign) and any(
                isinstance(t, ast.Name) and t.id == "__all__" for t in node.targets
            ):
                names = [ast.literal_eval(e) for e in getattr(node.value, "elts", [])]
        module = f"{package}.{TYPEDDICTS_DIR}.{service.module}"
        found[service.name] = [TypeRef(module, name, "typeddict") for name in names]
    return found


def generate(
    refs_dir: Path,
    package_dir: Path,
    *,
    config: Config | None = None,
    pyproject: Path = DEFAULT_PYPROJECT,
) -> tuple[ModelIndex, list[Service]]:
    """The whole generated part of the package: models, TypedDicts, service clients, model
    re-exports, exchange bindings and events, and the package ``__init__``."""
    config = config if config is not None else load_config(pyproject)
    index = generate_models(refs_dir, package_dir, config=config, pyproject=pyproject)
    services = load_services(refs_dir, index, config, package_dir)
    header = generated_header(index.taskcluster_version)
    event_sets = load_event_sets(refs_dir, index.model, config.int_params)
    typed_dicts = typed_dict_exports(package_dir, services)
    files = render_public(index, services, header, typed_dicts, event_sets)
    with tempfile.TemporaryDirectory(prefix="tc-codegen-") as tmp:
        out = Path(tmp)
        paths = []
        for relative, text in files.items():
            path = out / relative
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
            paths.append(path)
        format_python(paths, pyproject)
        for directory in PUBLIC_DIRS:
            _replace_dir(out / directory, package_dir / directory)
        for name in PUBLIC_FILES:
            shutil.copyfile(out / name, package_dir / name)
    return index, services
