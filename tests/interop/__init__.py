"""Interop tests: against the Node `hawk` server, mohawk and the official Python client."""
