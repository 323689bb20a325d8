"""The laid-out PDF documents (reportlab, extra ``pdf``): confirmation d'inscription, récapitulatif, demande de
pièces, in the layout of the guide's examples."""

from cyclades_adapters.pdf.renderer import ReportlabRenderer

__all__ = ["ReportlabRenderer"]
