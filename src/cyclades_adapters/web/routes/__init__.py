"""One Blueprint per section of the guide; ``register`` mounts them all."""

from __future__ import annotations

import importlib

from flask import Flask

__all__ = ["SECTIONS", "register"]

#: The route modules, one per section of the guide (each defines ``blueprint``); ``gestion`` is the back office.
SECTIONS = (
    "accueil",
    "compte",
    "connexion",
    "inscriptions",
    "inscription",
    "documents",
    "pieces",
    "scolaire",
    "gestion",
)


def register(app: Flask) -> None:
    for name in SECTIONS:
        module = importlib.import_module(f"cyclades_adapters.web.routes.{name}")
        app.register_blueprint(module.blueprint)
