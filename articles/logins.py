"""Logins to the desk: the lockout answer, ending a user's sessions, and who must use a
second factor.

**Throttling** is django-axes (settings: ``AXES_*``). Its backend comes first in
``AUTHENTICATION_BACKENDS``, so once an account or an address has ``AXES_FAILURE_LIMIT``
failures within ``AXES_COOLOFF_TIME`` the login is refused before any password is hashed,
and ``lockout_response`` answers: 429, ``Retry-After``, and a page in the admin's design
saying when to try again. A refused attempt does not extend the lock
(``AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False``), so that time holds.

**Sessions.** Django gives a new session id at login and deletes the session at logout.
A deactivated user is no longer let in by their old sessions (the backend's ``get_user``
refuses inactive users), but the sessions would come back to life with the account:
``end_sessions`` deletes them, from the user admin's save.

**Second factor** (django-otp, TOTP): see articles/admin/two_step.py for the pages.
"""

import math

from axes.backends import AxesStandaloneBackend
from django.conf import settings
from django.contrib.sessions.models import Session
from django.template.response import TemplateResponse
from django.utils import timezone

from articles import roles


class ThrottlingBackend(AxesStandaloneBackend):
    """Axes' backend (first in AUTHENTICATION_BACKENDS: refuses a locked-out login before
    ModelBackend hashes the password), letting through a login with no request at all
    (Django's test client's ``login()``, a shell), which no address or attacker reaches:
    axes itself would raise there."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)


def client_address(request):
    """The client's address for throttling (axes' AXES_CLIENT_IP_CALLABLE).

    Behind ``NUM_PROXIES`` proxies, each appending the address it was reached from to
    X-Forwarded-For (nginx's ``$proxy_add_x_forwarded_for``), the client is the entry that
    many places from the end: what a client wrote there itself comes before it and is
    ignored. The same rule as the API's rate limit (DRF's NUM_PROXIES). With no proxies,
    or no header, the connection's own address.
    """
    proxies = settings.NUM_PROXIES
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if proxies and forwarded:
        addresses = [address.strip() for address in forwarded.split(",") if address.strip()]
        if addresses:
            return addresses[-min(proxies, len(addresses))]
    return request.META.get("REMOTE_ADDR")


def retry_at(request, credentials=None):
    """When the lock on this request's account or address ends (a datetime), or None if
    neither is locked.

    Axes counts, per account and per address, the failures of the attempt rows (one per
    account, address and browser) whose last failure is within the cool-off; a lock ends
    when enough rows age out that fewer than the limit remain: for each locked count,
    when the row that brings the newest ones up to the limit ages out.
    """
    from axes.handlers.proxy import AxesProxyHandler

    handler = AxesProxyHandler.get_implementation()
    limit = settings.AXES_FAILURE_LIMIT
    cool_off = settings.AXES_COOLOFF_TIME
    ends = []
    for attempts in handler.get_user_attempts(request, credentials):
        total = 0
        for failures, last in attempts.order_by("-attempt_time").values_list(
            "failures_since_start", "attempt_time"
        ):
            total += failures
            if total >= limit:
                ends.append(last + cool_off)
                break
    return max(ends, default=None)


def lockout_response(request, original_response=None, credentials=None):
    """Axes' AXES_LOCKOUT_CALLABLE: the lockout page, 429 with Retry-After (seconds)."""
    from django.contrib import admin

    now = timezone.now()
    until = retry_at(request, credentials) or now + settings.AXES_COOLOFF_TIME
    seconds = max(1, math.ceil((until - now).total_seconds()))
    context = {
        **admin.site.each_context(request),
        "title": None,
        "retry_at": timezone.localtime(until),
        "minutes": math.ceil(seconds / 60),
    }
    response = TemplateResponse(request, "admin/lockout.html", context, status=429)
    response["Retry-After"] = str(seconds)
    response["Cache-Control"] = "no-store"
    return response.render()


def end_sessions(user, keep=None):
    """Delete every session of ``user`` in the session store but the one keyed ``keep``.

    Sessions are stored by key, not by user: each live one is read to find its user. A
    rare operation (deactivating an account, adding a second factor). Works on Django's
    database session store (the project's; not a cached one, whose copies would outlive
    the rows).
    """
    from django.contrib.auth import SESSION_KEY

    ended = [
        session.pk
        for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator()
        if session.pk != keep and session.get_decoded().get(SESSION_KEY) == str(user.pk)
    ]
    Session.objects.filter(pk__in=ended).delete()
    return len(ended)


def is_editor(user):
    """Superusers and members of the Editors group (articles/roles.py)."""
    return user.is_superuser or user.groups.filter(name=roles.EDITORS).exists()


def second_factor_required(user):
    """Whether ``user`` must sign in with a second factor (OTP_REQUIRED_FOR_EDITORS)."""
    return settings.OTP_REQUIRED_FOR_EDITORS and is_editor(user)


def must_verify(request):
    """The signed-in user must set up or give a second factor before using the admin:
    it is required of them and this session was not verified with one. No query unless
    OTP_REQUIRED_FOR_EDITORS is on."""
    user = request.user
    if not settings.OTP_REQUIRED_FOR_EDITORS or not user.is_authenticated:
        return False
    return not user.is_verified() and is_editor(user)
