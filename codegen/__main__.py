"""``python -m codegen``: pin the references, generate the models.

Usage::

    python -m codegen references --bundle PATH --version v106.0.0
    python -m codegen references --root-url https://tc.example.com [--version vX.Y.Z]
    python -m codegen generate [--out DIR]
    python -m codegen check          (drift: regenerate into a temp dir and compare)
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from codegen.config import DEFAULT_PYPROJECT, REPO_ROOT, load_config
from codegen.references import ReferencesError, pin_bundle, pin_deployment


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m codegen", description=__doc__.split("\n")[0])
    parser.add_argument("--pyproject", type=Path, default=DEFAULT_PYPROJECT)
    commands = parser.add_subparsers(dest="command", required=True)

    refs = commands.add_parser("references", help="pin the API references and schemas")
    source = refs.add_mutually_exclusive_group(required=True)
    source.add_argument("--bundle", type=Path, help="a references.json bundle")
    source.add_argument("--root-url", help="a live deployment, e.g. https://tc.example.com")
    refs.add_argument("--version", help="the Taskcluster version, e.g. v106.0.0")
    refs.add_argument("--out", type=Path, help="the references directory (default: from config)")

    gen = commands.add_parser("generate", help="generate models and TypedDicts")
    gen.add_argument("--references", type=Path, help="the pinned references directory")
    gen.add_argument(
        "--out",
        type=Path,
        help="write into DIR/<package_dir> instead of the working tree (drift check)",
    )
    chk = commands.add_parser("check", help="fail if the committed generated code is stale")
    chk.add_argument("--references", type=Path, help="the pinned references directory")
    return parser


def _references(args: argparse.Namespace) -> int:
    config = load_config(args.pyproject)
    refs_dir = args.out or REPO_ROOT / config.references_dir
    if args.bundle is not None:
        if args.version is None:
            print("a bundle does not carry its version: pass --version vX.Y.Z", file=sys.stderr)
            return 2
        lock = pin_bundle(args.bundle, refs_dir, version=args.version)
    else:
        lock, fetched = pin_deployment(
            args.root_url, refs_dir, version=args.version, extra_schemas=config.extra_schemas
        )
        for missing in fetched.missing_extra_schemas:
            print(f"warning: {args.root_url} does not serve {missing}", file=sys.stderr)
    print(f"pinned {lock.files} files of Taskcluster {lock.taskcluster_version} ({lock.source})")
    print(f"into {refs_dir}, sha256 {lock.sha256}")
    return 0


def _generate(args: argparse.Namespace) -> int:
    from codegen.generate import generate

    config = load_config(args.pyproject)
    refs_dir = args.references or REPO_ROOT / config.references_dir
    root = args.out if args.out is not None else REPO_ROOT
    package_dir = root / config.package_dir
    package_dir.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    index, services = generate(refs_dir, package_dir, config=config, pyproject=args.pyproject)
    elapsed = time.perf_counter() - started
    for line in index.summary():
        print(line)
    methods = sum(len(s.methods) for s in services)
    print(f"services: {len(services)}, methods: {methods}")
    print(f"generated in {elapsed:.1f} s")
    return 0


def _check(args: argparse.Namespace) -> int:
    from codegen.drift import check

    config = load_config(args.pyproject)
    refs_dir = args.references or REPO_ROOT / config.references_dir
    problems = check(refs_dir, REPO_ROOT / config.package_dir, config, args.pyproject)
    if problems:
        print("generated code is not what the generator makes (run `make generate`):")
        for line in problems:
            print(f"  {line}")
        return 1
    print("generated code is up to date")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        if args.command == "references":
            return _references(args)
        if args.command == "check":
            return _check(args)
        return _generate(args)
    except ReferencesError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
