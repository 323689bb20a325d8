from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient

from cyclades_adapters.bootstrap import Portal
from cyclades_core.testing import ManualClock
from tests.web.support import NOW, make_app, make_portal


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(NOW)


@pytest.fixture
def portal(clock: ManualClock) -> Portal:
    return make_portal(clock)


@pytest.fixture
def app(portal: Portal) -> Flask:
    return make_app(portal, cookie_secure=False)


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()
