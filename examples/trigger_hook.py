"""Create (or update) a hook whose task template is rendered with JSON-e from the trigger
payload, trigger it, and return the id of the task it created. Reads only
TASKCLUSTER_ROOT_URL, TASKCLUSTER_CLIENT_ID, TASKCLUSTER_ACCESS_TOKEN (and
TASKCLUSTER_CERTIFICATE) through ``Hooks.from_env()``, so it runs against a real deployment
unchanged (the credentials need ``hooks:get:<group>:<id>``, ``hooks:modify-hook:<group>/<id>``,
``assume:hook-id:<group>/<id>`` and ``hooks:trigger-hook:<group>/<id>``; the role
``hook-id:<group>/<id>`` must hold the queue scopes for the hook's task).

python examples/trigger_hook.py <task-queue-id> <branch>
"""

from __future__ import annotations

import argparse

from taskcluster_typed import Hooks, ResourceNotFound
from taskcluster_typed.models.hooks import CreateHookRequestDict, TriggerHookTaskCreated

HOOK_GROUP = "project-taskcluster-typed-demo"
HOOK_ID = "nightly"


def hook_definition(task_queue_id: str) -> CreateHookRequestDict:
    """A hook: its task template uses the trigger payload's ``branch``."""
    return {
        "metadata": {
            "name": "nightly build",
            "description": "a taskcluster-typed example hook",
            "owner": "demo@example.com",
            "emailOnError": False,
        },
        "task": {
            "taskQueueId": task_queue_id,
            "schedulerId": "-",
            "created": {"$fromNow": "0 seconds"},
            "deadline": {"$fromNow": "1 hour"},
            "expires": {"$fromNow": "1 day"},
            "payload": {"command": ["build", {"$eval": "payload.branch"}]},
            "metadata": {
                "name": "nightly ${payload.branch}",
                "description": "fired by a hook",
                "owner": "demo@example.com",
                "source": "https://github.com/taskcluster/taskcluster",
            },
        },
        "triggerSchema": {
            "type": "object",
            "properties": {"branch": {"type": "string"}},
            "required": ["branch"],
            "additionalProperties": False,
        },
    }


def ensure_hook(hooks: Hooks, task_queue_id: str) -> None:
    """Create the hook, or update it if it exists already."""
    definition = hook_definition(task_queue_id)
    try:
        hooks.hook(HOOK_GROUP, HOOK_ID)
    except ResourceNotFound:
        hooks.create_hook(HOOK_GROUP, HOOK_ID, definition)
        print(f"  created hook {HOOK_GROUP}/{HOOK_ID}")
    else:
        hooks.update_hook(HOOK_GROUP, HOOK_ID, definition)
        print(f"  updated hook {HOOK_GROUP}/{HOOK_ID}")


def fire(hooks: Hooks, branch: str) -> str:
    """Trigger the hook for `branch`; returns the id of the task it created."""
    fired = hooks.trigger_hook(HOOK_GROUP, HOOK_ID, {"branch": branch})
    # The reference allows any object as the response; a created task is the typed case.
    if not isinstance(fired, TriggerHookTaskCreated):
        raise RuntimeError(f"the hook created no task: {fired}")
    task_id = fired.task_id
    print(f"  triggered {HOOK_GROUP}/{HOOK_ID} for {branch}: task {task_id}")
    return task_id


def main() -> None:
    """Ensure the hook exists and fire it for the branch given on the command line."""
    parser = argparse.ArgumentParser(description=main.__doc__)
    parser.add_argument("task_queue_id", metavar="task-queue-id")
    parser.add_argument("branch")
    args = parser.parse_args()
    with Hooks.from_env() as hooks:
        ensure_hook(hooks, args.task_queue_id)
        fire(hooks, args.branch)


if __name__ == "__main__":
    main()
