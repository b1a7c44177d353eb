"""Conformance cases of the notify service."""

from __future__ import annotations

from taskcluster_typed._core import errors as tce
from taskcluster_typed.models.notify import NotificationAddressDict

from ..world import World
from .table import Invoke, call, case

# notify -------------------------------------------------------------------------------------

_DENIED = (
    "not configured locally (no {what}): the call reaches the real service, which refuses it "
    "as documented for a denylisted {target} without sending anything"
)


@case(
    "notify.email",
    expect=tce.BadRequest,
    code="DenylistedAddress",
    not_local=_DENIED.format(what="SES", target="address"),
)
def _email(w: World) -> Invoke:
    address = f"{w.unique('denied')}@example.com"
    w.notify.add_denylist_address({"notificationType": "email", "notificationAddress": address})
    return call({"address": address, "subject": "s", "content": "c"})


@case(
    "notify.matrix",
    expect=tce.BadRequest,
    code="DenylistedAddress",
    not_local=_DENIED.format(what="MATRIX_* settings", target="room"),
)
def _matrix(w: World) -> Invoke:
    room = f"!{w.unique('room')}:example.com"
    w.notify.add_denylist_address({"notificationType": "matrix-room", "notificationAddress": room})
    return call(
        {"roomId": room, "body": "b", "format": "org.matrix.custom.html", "msgtype": "m.text"}
    )


@case(
    "notify.slack",
    expect=tce.BadRequest,
    code="DenylistedAddress",
    not_local=_DENIED.format(what="SLACK_* settings", target="channel"),
)
def _slack(w: World) -> Invoke:
    channel = w.unique("C").upper()
    w.notify.add_denylist_address(
        {"notificationType": "slack-channel", "notificationAddress": channel}
    )
    return call({"channelId": channel, "text": "t"})


@case("notify.pulse")
def _pulse(w: World) -> Invoke:
    return call(
        {"routingKey": f"typed.{w.run}", "message": {"hello": "pulse"}}, check=lambda r: r is None
    )


@case("notify.add_denylist_address")
def _add_denied(w: World) -> Invoke:
    address = f"{w.unique('added')}@example.com"
    entry = {"notificationType": "email", "notificationAddress": address}
    return call(
        entry,
        check=lambda r: (
            r is None
            and address
            in [a.notification_address for a in w.notify.list_denylist(limit=1000).addresses]
        ),
    )


@case("notify.delete_denylist_address")
def _delete_denied(w: World) -> Invoke:
    address = f"{w.unique('deleted')}@example.com"
    entry: NotificationAddressDict = {"notificationType": "email", "notificationAddress": address}
    w.notify.add_denylist_address(entry)
    return call(
        entry,
        check=lambda r: (
            r is None
            and address
            not in [a.notification_address for a in w.notify.list_denylist(limit=1000).addresses]
        ),
    )


@case("notify.list_denylist")
def _list_denied(w: World) -> Invoke:
    for _ in range(2):
        address = f"{w.unique('listed')}@example.com"
        w.notify.add_denylist_address({"notificationType": "email", "notificationAddress": address})
    return call(limit=1, check=lambda r: len(r.addresses) == 1 and r.continuation_token)
