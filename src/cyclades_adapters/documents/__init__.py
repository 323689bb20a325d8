"""Document renderers behind the core's DocumentRenderer port."""

from cyclades_adapters.documents.simple_pdf import SimplePdfRenderer

__all__ = ["SimplePdfRenderer"]
