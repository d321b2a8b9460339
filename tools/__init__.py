"""Build and maintenance tools of the report (not part of the importable analysis package)."""
