"""The HTTP layer the enrichers ask services through: one client per command (retries, per-host
limits, rate-limit waits), its cache on disk, and its settings."""
