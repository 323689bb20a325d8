"""The in-memory catalogue, empty until configured (MGR-01)."""

from __future__ import annotations

from cyclades_adapters.common.catalogue import DictCatalogue

__all__ = ["MemoryCatalogue"]


class MemoryCatalogue(DictCatalogue):
    """Starts empty; every item comes from ``put`` (or ``CatalogueService.configure``)."""
