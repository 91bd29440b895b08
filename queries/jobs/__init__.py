"""Scheduled jobs (cli.md, "Jobs"): their schedules and their rows in the database.

What each kind does is in :mod:`reports.jobs` (it writes briefings and bundles).
"""
