"""Placeholder module: filled by its own work item."""
