"""The local platform: infrastructure, databases, topics, the four services under a supervisor.

Used by `make run` and by the tests, so both start the platform the same way.
"""
