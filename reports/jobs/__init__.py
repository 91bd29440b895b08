"""What each kind of scheduled job does (cli.md, "Jobs"): the runner and the alert digest.

The jobs themselves (schedules, runs, the lock) are in :mod:`queries.jobs`.
"""
