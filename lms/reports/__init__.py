"""Manager reports: server-side charts and CSV exports."""
