"""The desk's admin site: Django's, with two-step verification at login (django-otp).

``DeskAdminConfig`` replaces ``django.contrib.admin`` in INSTALLED_APPS so that
``admin.site`` is a ``DeskAdminSite``: every ``admin.site.register`` in articles/admin/
registers on it unchanged. The site adds the "Two-step verification" pages
(articles/admin/two_step.py) and, with OTP_REQUIRED_FOR_EDITORS, sends an editor whose
session has no second factor there before any other admin page.
"""

from functools import update_wrapper
from urllib.parse import urlencode

from django.contrib.admin import AdminSite
from django.contrib.admin.apps import AdminConfig
from django.http import HttpResponseRedirect
from django.urls import path, reverse

# What an editor who must set up a second factor may still open.
UNGUARDED = {"two_step", "two_step_qr", "logout"}


class DeskAdminSite(AdminSite):
    @property
    def login_form(self):
        from articles.admin.two_step import DeskLoginForm

        return DeskLoginForm

    def admin_view(self, view, cacheable=False):
        from articles import logins

        checked = super().admin_view(view, cacheable)

        def inner(request, *args, **kwargs):
            if (
                self.has_permission(request)
                and request.resolver_match.url_name not in UNGUARDED
                and logins.must_verify(request)
            ):
                setup = reverse("admin:two_step", current_app=self.name)
                query = urlencode({"next": request.get_full_path()})
                return HttpResponseRedirect(f"{setup}?{query}")
            return checked(request, *args, **kwargs)

        return update_wrapper(inner, checked)

    def get_urls(self):
        from articles.admin import two_step

        return [
            path("two-step/", self.admin_view(two_step.setup), name="two_step"),
            path("two-step/qr.svg", self.admin_view(two_step.qr_code), name="two_step_qr"),
            *super().get_urls(),
        ]


class DeskAdminConfig(AdminConfig):
    default_site = "articles.adminsite.DeskAdminSite"
