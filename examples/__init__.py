"""Examples written outside the cyclades packages (see docs/writing-an-adapter.md)."""
