"""Domain models: attrs value objects and aggregates, and the parsers that build them from raw input."""
