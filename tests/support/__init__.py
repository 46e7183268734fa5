"""Test support shared by integration and e2e tests: real PostgreSQL, real Kafka, no stand-ins."""
