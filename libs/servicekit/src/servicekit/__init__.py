"""Cross-cutting defaults every service of the platform shares, written once."""
