"""Naming helpers: plain functions, unit-tested, usable as Jinja filters."""

from __future__ import annotations

import keyword
import re

_WORD_SPLIT = re.compile(r"[-_.\s/]+")
_CAMEL_BOUNDARY = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")


def pascal_case(name: str) -> str:
    """``create-task-request`` -> ``CreateTaskRequest``; ``list-lastFires-response`` ->
    ``ListLastFiresResponse``; ``taskcluster-github-config.v1`` -> ``TaskclusterGithubConfigV1``.

    Words are split on ``-``, ``_``, ``.``, spaces and ``/``; each word's first letter is
    upper-cased and the rest kept, so camelCase inside a word survives.
    """
    words = [w for w in _WORD_SPLIT.split(name) if w]
    result = "".join(w[0].upper() + w[1:] for w in words)
    if not result or not result.isidentifier():
        raise ValueError(f"cannot make a class name of {name!r}")
    return result


def snake_case(name: str) -> str:
    """``createTask`` -> ``create_task``; ``azureTableSAS`` -> ``azure_table_sas``;
    ``listRoles2`` -> ``list_roles2``; ``list-lastFires-response`` ->
    ``list_last_fires_response``."""
    words = [w for w in _WORD_SPLIT.split(name) if w]
    parts = [p for w in words for p in _CAMEL_BOUNDARY.split(w)]
    result = "_".join(p.lower() for p in parts)
    if keyword.iskeyword(result):
        result += "_"
    if not result.isidentifier():
        raise ValueError(f"cannot make an identifier of {name!r}")
    return result


def ends_in_digit(name: str) -> bool:
    return bool(name) and name[-1].isdigit()


_NON_ALNUM = re.compile(r"[^0-9A-Za-z]")


def is_counter_name(name: str, explanations: list[str]) -> bool:
    """Whether a name ends in digits that no schema word explains, i.e. it was made unique by
    dcg's run-wide counter (``Owner18``, ``TriggerHookResponse1``) and may change when an
    unrelated schema changes. ``ArtifactContentResponseS3`` is fine when one explanation
    (the schema's title, its key, a tag value such as ``"s3"``) ends in the same digits."""
    match = re.fullmatch(r"(.*\D)?(\d+)", name)
    if match is None:
        return False
    digits = match[2]
    return not any(_NON_ALNUM.sub("", e).endswith(digits) for e in explanations)
