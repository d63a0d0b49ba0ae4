"""Plumbing every LMS page shares: templating, CSRF, URLs, error pages, security headers,
input checks, resumable forms and CSV streaming. It imports no LMS area but ``lms.i18n``
and the foundation below it (the layers contract in pyproject.toml)."""
