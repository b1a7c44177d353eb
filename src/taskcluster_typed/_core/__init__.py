"""The hand-written runtime behind the generated clients (private: import from
`taskcluster_typed` or the public modules, never from here).

One call's road: generated method -> `client` (`_call`) -> `pipeline` (sans-IO flow: sign,
send, retry, decode) -> `drivers` (sync or async) -> `http` (what sends, and whether we own
it) -> a transport of `taskcluster_typed.transports`. See docs/architecture.md.
"""
