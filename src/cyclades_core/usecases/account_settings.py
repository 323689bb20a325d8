"""The settings of the account services: every time limit and switch of the account lifecycle, one object shared by
the services of every guide section (registration, sessions, password reset, my account, scolaire)."""

from __future__ import annotations

from datetime import timedelta
from typing import Literal

from attrs import field, frozen
from attrs.validators import in_

from cyclades_core.ports.security import ThrottlePolicy

__all__ = ["AccountSettings"]


@frozen(kw_only=True)
class AccountSettings:
    """Every time limit and switch of the account lifecycle, with the guide's defaults."""

    base_url: str = "http://localhost:8000"
    activation_ttl: timedelta = timedelta(hours=48)
    reset_ttl: timedelta = timedelta(hours=48)
    session_idle_timeout: timedelta = timedelta(minutes=30)
    session_absolute_timeout: timedelta = timedelta(hours=12)
    #: A session's last-used time is written only once it is older than this step, so that most read pages write
    #: nothing (issue 19). A session unused for more than ``session_idle_timeout`` is still refused; one unused for
    #: at most ``session_idle_timeout - session_touch_interval`` is still accepted (SessionAuthenticator).
    session_touch_interval: timedelta = field(default=timedelta(minutes=1))
    initial_password_ttl: timedelta = timedelta(days=90)
    resend_cooldown: timedelta = timedelta(seconds=180)
    #: One reset mail per account (or typed identifier) per this cooldown: within it a request neither mails nor
    #: revokes the live link, so a third party cannot flood the owner's mailbox nor keep revoking their link.
    reset_cooldown: timedelta = timedelta(minutes=2)
    reset_requests_per_minute: int = 5
    #: Throttling counters untouched for this long are forgotten by the purge (longer than every throttling window).
    throttle_retention: timedelta = timedelta(days=1)
    #: When the breached-password corpus cannot answer (D3): "open" accepts the password and logs a warning
    #: (``password_breach_check_unavailable``), "closed" refuses it for now. A decision of the deployment.
    breached_passwords_unavailable: Literal["open", "closed"] = field(default="open", validator=in_(("open", "closed")))
    #: Reset requests per minute from one source (the client address the web layer passes), whatever they name (E4).
    reset_requests_per_source_per_minute: int = 20
    #: Account creations per hour from one source (the ``source=`` the web layer passes): a flood is refused for its
    #: source, never for the address it names, so nobody can keep the owner of an address from signing up.
    creations_per_source_per_hour: int = 20
    #: Account creations per hour per email, only for callers that pass no ``source`` (library use, scripts).
    creations_per_hour: int = 5
    #: Consecutive login failures per account and source (per account alone when no ``source`` is passed) (C3).
    login_throttle: ThrottlePolicy = field(factory=ThrottlePolicy)
    #: Failed logins from one source, whatever they name, per window of ``login_source_window`` (fixed windows
    #: aligned on the clock); beyond, the source's attempts are refused until the next window.
    login_failures_per_source: int = 50
    login_source_window: timedelta = timedelta(minutes=15)
    #: Failed logins against one account from every source together: once past ``free_failures`` (NIST: at most
    #: 100), the sources that have already failed for the account get these delays; a source that has not is never
    #: refused by it.
    login_throttle_per_account: ThrottlePolicy = field(factory=lambda: ThrottlePolicy(free_failures=100))
    show_masked_contact: bool = True

    @session_touch_interval.validator
    def _touch_within_idle(self, _attribute: object, value: timedelta) -> None:
        if not timedelta(0) <= value < self.session_idle_timeout:
            raise ValueError("session_touch_interval must be at least 0 and shorter than session_idle_timeout")

    def link(self, path: str, token: str) -> str:
        return f"{self.base_url.rstrip('/')}/{path}?jeton={token}"
