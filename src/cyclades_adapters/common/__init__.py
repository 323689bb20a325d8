"""Building blocks shared by several adapter subpackages (which stay independent of each other)."""
