"""Two-step verification for desk accounts (django-otp's TOTP devices).

One authenticator app per account. "Two-step verification", in the admin's user menu
(``admin:two_step``), shows a new account a QR code (an SVG served from its own URL,
``admin:two_step_qr``, for the site's CSP; the otpauth:// address and the secret also as
text) and turns the second factor on once a code from the app is confirmed. From then on
the login form (``DeskLoginForm``) asks for a current code after the password; confirming
also ends the account's other sessions, which were signed in without one.

With OTP_REQUIRED_FOR_EDITORS the site (articles/adminsite.py) sends an editor whose
session has no second factor here first: to set one up, or to give a code when their
session was started without one. An editor may not turn it off then; anyone else may,
with a current code. A superuser can delete a lost device from the user's account
(``manage.py shell``: ``TOTPDevice.objects.filter(user=…).delete()``).
"""

import time
from base64 import b32encode

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.forms import AdminAuthenticationForm
from django.db import transaction
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_otp import login as otp_login
from django_otp.forms import OTPAuthenticationFormMixin
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice, default_key
from django_otp.qr import write_qrcode_image

from articles import logins

# The desk's accounts are managed on their user pages; devices are not a list of their own.
if admin.site.is_registered(TOTPDevice):
    admin.site.unregister(TOTPDevice)

CODE_WIDGET = forms.TextInput(
    attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "size": 8}
)
WRONG_CODE = _("That code is not right, or has expired. Enter the code your app shows now.")
TOO_MANY = _("Too many wrong codes: wait a minute, then try again.")


# The key of the authenticator app being set up lives in the session until a code confirms
# it: opening the page (a GET) writes no row.
PENDING_KEY = "two_step_pending_key"


def confirmed_device(user):
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def _verified(device, code):
    """``device`` if ``code`` is a current code of it (django-otp's throttling counts the
    wrong ones, under a row lock), else None."""
    with transaction.atomic():
        device = TOTPDevice.objects.select_for_update().get(pk=device.pk)
        return device if device.verify_token(code) else None


class DeskLoginForm(OTPAuthenticationFormMixin, AdminAuthenticationForm):
    """The admin's login form, asking an account with an authenticator app for a code."""

    otp_token = forms.CharField(
        label=_("Verification code"),
        required=False,
        help_text=_("Only if you have turned on two-step verification: the code your app shows."),
        widget=CODE_WIDGET,
    )
    otp_error_messages = {
        **OTPAuthenticationFormMixin.otp_error_messages,
        "token_required": _(
            "This account uses two-step verification: enter the code your app shows."
        ),
        "invalid_token": WRONG_CODE,
        "n_failed_attempts": TOO_MANY,
        "verification_not_allowed": TOO_MANY,
    }

    def clean(self):
        cleaned = super().clean()
        user = self.get_user()
        if user is not None and self._chosen_device(user) is not None:
            self.clean_otp(user)
        return cleaned

    def _chosen_device(self, user):
        if not hasattr(self, "_device"):
            self._device = confirmed_device(user)
        return self._device

    def _update_form(self, user):
        """django-otp fills a device menu here; an account has one device, so none."""


class CodeForm(forms.Form):
    otp_token = forms.CharField(label=_("Code from your app"), max_length=16, widget=CODE_WIDGET)


def _pending_device(request):
    """The unsaved device being set up, its key kept in the session (made on first use)."""
    key = request.session.get(PENDING_KEY)
    if not key:
        key = request.session[PENDING_KEY] = default_key()
    return TOTPDevice(user=request.user, key=key, name=gettext("Authenticator app"), confirmed=True)


def _confirms(device, form):
    """Whether ``form`` holds a current code of the unsaved ``device``. Checked here rather
    than by verify_token(), which saves the device it checks, wrong code or right."""
    if not form.is_valid():
        return False
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time()
    token = form.cleaned_data["otp_token"].strip()
    if token.isascii() and token.isdigit() and totp.verify(int(token), device.tolerance):
        device.last_t = totp.t()
        return True
    form.add_error("otp_token", WRONG_CODE)
    return False


def _next_url(request):
    url = request.POST.get("next") or request.GET.get("next") or ""
    if url and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return url
    return reverse("admin:index")


def _check_code(request, device, form):
    """The device if the form holds a current code of it; otherwise the form's error."""
    if not form.is_valid():
        return None
    allowed, _extra = device.verify_is_allowed()
    device = _verified(device, form.cleaned_data["otp_token"].strip()) if allowed else None
    if device is None:
        form.add_error("otp_token", TOO_MANY if not allowed else WRONG_CODE)
    return device


def setup(request):
    """The "Two-step verification" page: set up, verify this session, or turn off."""
    user = request.user
    device = confirmed_device(user)
    required = logins.second_factor_required(user)
    form = CodeForm(request.POST or None)
    context = {
        **admin.site.each_context(request),
        "title": _("Two-step verification"),
        "required": required,
        "next": _next_url(request),
        "form": form,
    }
    if device is not None and user.is_verified():
        context["state"] = "on"
        if request.method == "POST" and not required and _check_code(request, device, form):
            TOTPDevice.objects.filter(user=user).delete()
            messages.success(request, gettext("Two-step verification is off."))
            return HttpResponseRedirect(reverse("admin:two_step"))
    elif device is not None:
        context["state"] = "verify"
        if request.method == "POST" and (device := _check_code(request, device, form)):
            request.session.cycle_key()  # a new id for the session that now has more rights
            otp_login(request, device)
            return HttpResponseRedirect(context["next"])
    else:
        pending = _pending_device(request)
        context.update(
            state="set-up",
            config_url=pending.config_url,
            secret=b32encode(pending.bin_key).decode(),
        )
        if request.method == "POST" and _confirms(pending, form):
            pending.save()
            del request.session[PENDING_KEY]
            request.session.cycle_key()
            otp_login(request, pending)
            # Sessions signed in before the second factor existed have none.
            logins.end_sessions(user, keep=request.session.session_key)
            messages.success(
                request, gettext("Two-step verification is on: logins now ask for a code.")
            )
            return HttpResponseRedirect(context["next"])
    return TemplateResponse(request, "admin/two_step.html", context)


def qr_code(request):
    """The QR code of the signed-in user's authenticator app being set up, as SVG; 404
    once it is confirmed (the secret is shown only while setting up)."""
    if not request.session.get(PENDING_KEY) or confirmed_device(request.user) is not None:
        raise Http404
    pending = _pending_device(request)
    response = HttpResponse(content_type="image/svg+xml")
    write_qrcode_image(pending.config_url, response)
    response["Cache-Control"] = "no-store, private"
    return response
