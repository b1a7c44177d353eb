"""The type parameter of a task's ``payload``.

A task's payload has the shape its worker defines, so the task types are generic over it:
``CreateTaskRequest[DockerWorkerPayload]`` validates the payload as a docker-worker payload,
``CreateTaskRequestDict[DockerWorkerPayloadDict]`` has a type checker check the dict literal.
Without a parameter the payload is an open ``dict[str, Any]``, for any other worker. The
worker payload types are in `taskcluster_typed.payloads`.
"""

from __future__ import annotations

from typing import Any

from typing_extensions import TypeVar

__all__ = ["PayloadT"]

#: The type of a task's ``payload``; ``dict[str, Any]`` when not given.
PayloadT = TypeVar("PayloadT", default=dict[str, Any])
