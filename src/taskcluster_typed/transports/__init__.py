"""The engines a client sends through: `Urllib3Transport` (sync default), `AiohttpTransport`
(async default under asyncio), httpx's own transport, and the watchdog that bounds an attempt.
"""
