"""The HTTP layer: reading requests, validating them, guarding limits, calling the core, answering."""
