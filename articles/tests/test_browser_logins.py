"""Two-step verification in a real Chromium: the QR code loads as an image from its own URL
(under the site's Content-Security-Policy), a code from the device's key turns it on, and
the next login asks for one."""

from base64 import b32decode

import pytest
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from articles.tests.desk import EDITORS, desk_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "desk-password-1"


def code(device, windows_ahead=0):
    t0 = device.t0 - windows_ahead * device.step
    return f"{totp(device.bin_key, device.step, t0, device.digits, device.drift):06d}"


def log_in(page, username, otp=None):
    page.goto(reverse("admin:login"))
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    if otp:
        page.fill("#id_otp_token", otp)
    page.locator("form#login-form [type=submit]").click()


def test_an_editor_turns_on_two_step_verification(page, screenshot):
    user = desk_user(EDITORS, "sampadak")
    log_in(page, "sampadak")
    expect(page.locator("#user-tools")).to_be_visible()
    page.locator(f"#user-tools a[href='{reverse('admin:two_step')}']").click()
    image = page.locator(".two-step img")
    expect(image).to_be_visible()
    # Loaded and decoded (a blocked or broken image never gets a natural width).
    page.wait_for_function(
        "img => img.complete && img.naturalWidth > 0", arg=image.element_handle(), timeout=10000
    )
    # The key as a user would type it into the app.
    device = TOTPDevice(key=b32decode(page.locator(".two-step-secret").inner_text()).hex())
    expect(page.locator(".two-step-url")).to_contain_text("otpauth://totp/")
    screenshot("desk-two-step-setup")
    page.fill("#id_otp_token", code(device))
    page.locator(".two-step [type=submit]").click()
    expect(page.locator(".messagelist .success")).to_be_visible()
    assert TOTPDevice.objects.get(user=user).confirmed

    page.locator("#logout-form [type=submit]").click()
    log_in(page, "sampadak")
    expect(page.locator(".errornote, .errorlist").first).to_be_visible()
    screenshot("desk-two-step-login")
    log_in(page, "sampadak", otp=code(device, windows_ahead=1))
    expect(page.locator("#user-tools")).to_be_visible()
