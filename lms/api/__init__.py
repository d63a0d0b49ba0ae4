"""The JSON API for HR systems, under ``{prefix}/api/v1``."""
