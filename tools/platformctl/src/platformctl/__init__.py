"""The ops command line: `python -m platformctl --help`."""
