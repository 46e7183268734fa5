"""`python -m bench`: the platform measured against the limits of this machine (issue 11)."""
