"""Logins to the desk (articles/logins.py, articles/adminsite.py, articles/admin/two_step.py):
throttling before any password is hashed, sessions that end, the admin's address, and the
TOTP second factor, with real codes computed from the device's key."""

import importlib
import re
from base64 import b32decode
from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.contrib.auth.models import User
from django.contrib.sessions.models import Session
from django.test import Client, override_settings
from django.urls import clear_url_caches, reverse
from django.utils import formats, timezone, translation
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from articles.tests.adminform import form_data
from articles.tests.desk import EDITORS, REPORTERS, desk_user

pytestmark = pytest.mark.django_db

PASSWORD = "desk-password-1"
ATTACKER = "203.0.113.7"


class CountingHasher(PBKDF2PasswordHasher):
    """The project's hasher (Django's PBKDF2), counting every hash it computes: checking a
    password hashes it once, and so does ModelBackend's decoy hash for an unknown user."""

    iterations = 1000  # fast enough for 30 logins; a real PBKDF2 all the same
    hashed = 0

    def encode(self, password, salt, iterations=None):
        CountingHasher.hashed += 1
        return super().encode(password, salt, iterations)


@pytest.fixture(autouse=True)
def hashes(settings):
    """Passwords are hashed by CountingHasher (in every test here: quick); returns a
    function giving the count so far."""
    settings.PASSWORD_HASHERS = [f"{__name__}.CountingHasher"]
    start = CountingHasher.hashed
    return lambda: CountingHasher.hashed - start


@pytest.fixture(autouse=True)
def throttle(settings):
    """The defaults, whatever the environment says (AXES_FAILURE_LIMIT, AXES_COOLOFF_MINUTES)."""
    settings.AXES_FAILURE_LIMIT = 10
    settings.AXES_COOLOFF_TIME = timedelta(minutes=15)


@pytest.fixture
def english(client):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


def log_in(client, username, password=PASSWORD, address=ATTACKER, **data):
    return client.post(
        reverse("admin:login"),
        {"username": username, "password": password, "next": reverse("admin:index"), **data},
        REMOTE_ADDR=address,
    )


def code(device, windows_ahead=0):
    """The device's current TOTP code (or that of a later 30-second window)."""
    t0 = device.t0 - windows_ahead * device.step
    value = totp(device.bin_key, device.step, t0, device.digits, device.drift)
    return f"{value:0{device.digits}d}"


def device_on_page(html, user):
    """The device being set up, from the key the page shows (as a user types it in)."""
    secret = re.search(r'class="two-step-secret">([A-Z2-7=]+)<', html)[1]
    return TOTPDevice(user=user, key=b32decode(secret).hex())


def signed_in(client):
    return client.get(reverse("admin:index")).status_code == 200


# Throttling ------------------------------------------------------------------------------


def test_thirty_wrong_passwords_in_a_minute_get_at_most_ten_checks(client, hashes):
    user = desk_user(EDITORS)
    before = hashes()
    statuses = [log_in(client, user.username, f"guess-{n}").status_code for n in range(30)]
    assert hashes() - before == 10
    # Nine refusals on the form, then the lockout answer (the tenth failure locks).
    assert statuses == [200] * 9 + [429] * 21
    # Now even the right password is refused, unhashed.
    assert log_in(client, user.username).status_code == 429
    assert hashes() - before == 10
    assert not signed_in(client)


def test_one_account_from_many_addresses_is_locked(client, hashes):
    """Per account: spreading the guesses over addresses does not help."""
    user = desk_user(EDITORS)
    before = hashes()
    for n in range(30):
        log_in(client, user.username, f"guess-{n}", address=f"198.51.100.{n + 1}")
    assert hashes() - before <= 10
    assert log_in(client, user.username, address="192.0.2.200").status_code == 429


def test_one_address_trying_many_accounts_is_locked(client, hashes):
    """Per address: one password tried on many accounts (known or not) is stopped too,
    and the address may not log in to a real account either; another address may."""
    user = desk_user(REPORTERS)
    before = hashes()
    for n in range(30):
        log_in(client, f"desk-{n}", "Password123")
    assert hashes() - before <= 10
    assert log_in(client, user.username).status_code == 429
    assert log_in(client, user.username, address="192.0.2.200").status_code == 302
    assert signed_in(client)


def test_the_lockout_page_says_when_to_try_again(english):
    from axes.models import AccessAttempt

    user = desk_user(EDITORS)
    for n in range(10):
        response = log_in(english, user.username, f"guess-{n}")
    assert response.status_code == 429
    assert response["Cache-Control"] == "no-store"
    html = response.content.decode()
    assert "Too many failed logins" in html
    assert "You can try again at" in html
    assert 'id="site-name"' in html  # the admin's own frame
    # The lock ends a cool-off after the last counted failure, and the page says when.
    last = AccessAttempt.objects.get().attempt_time
    ends = timezone.localtime(last + settings.AXES_COOLOFF_TIME)
    assert f'<time datetime="{ends.isoformat()}">' in html
    assert 14 * 60 < int(response["Retry-After"]) <= 15 * 60
    assert "(in 15 minutes)" in html

    # Ten minutes later (the attempts' times moved back): five minutes to go.
    AccessAttempt.objects.update(attempt_time=last - timedelta(minutes=10))
    response = log_in(english, user.username)
    assert response.status_code == 429
    assert 4 * 60 < int(response["Retry-After"]) <= 5 * 60
    assert "(in 5 minutes)" in response.content.decode()


def test_the_lockout_page_in_hindi(client):
    user = desk_user(EDITORS)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "hi"
    for n in range(10):
        response = log_in(client, user.username, f"guess-{n}")
    assert response.status_code == 429
    html = response.content.decode()
    assert '<html lang="hi"' in html
    # The time in the Hindi admin's day-first format (newsroom/formats/hi).
    from axes.models import AccessAttempt

    last = AccessAttempt.objects.get().attempt_time
    ends = timezone.localtime(last + settings.AXES_COOLOFF_TIME)
    with translation.override("hi"):
        shown = formats.date_format(ends, "DATETIME_FORMAT")
    assert shown.startswith(f"{ends.day} ") and shown in html


def test_the_lock_lifts_after_the_cool_off(client, hashes):
    from axes.models import AccessAttempt

    user = desk_user(EDITORS)
    for n in range(12):
        log_in(client, user.username, f"guess-{n}")
    assert log_in(client, user.username).status_code == 429
    AccessAttempt.objects.update(
        attempt_time=timezone.now() - settings.AXES_COOLOFF_TIME - timedelta(seconds=1)
    )
    before = hashes()
    assert log_in(client, user.username).status_code == 302
    assert hashes() - before == 1
    assert signed_in(client)


def test_axes_reset_lifts_a_lock(client):
    from django.core.management import call_command

    user = desk_user(EDITORS)
    for n in range(10):
        log_in(client, user.username, f"guess-{n}")
    call_command("axes_reset", verbosity=0)
    assert log_in(client, user.username).status_code == 302


def test_the_client_address_behind_a_proxy(client, settings):
    """With NUM_PROXIES=1 (nginx in front, appending the address it was reached from to
    X-Forwarded-For) the client is that last address: one a client wrote there itself does
    not count, and locking it out does not lock out nginx's own address."""
    from axes.helpers import get_client_ip_address
    from django.test import RequestFactory

    factory = RequestFactory()
    alone = factory.post("/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.4")
    forged = factory.post(
        "/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="10.9.9.9, 198.51.100.4"
    )
    # Without a proxy configured the header is ignored: it is the client's to forge.
    assert get_client_ip_address(forged) == "127.0.0.1"
    settings.NUM_PROXIES = 1
    assert get_client_ip_address(alone) == "198.51.100.4"
    assert get_client_ip_address(forged) == "198.51.100.4"
    assert get_client_ip_address(factory.post("/", REMOTE_ADDR="127.0.0.1")) == "127.0.0.1"

    user = desk_user(EDITORS)
    for n in range(10):
        client.post(
            reverse("admin:login"),
            {"username": f"desk-{n}", "password": "x"},
            REMOTE_ADDR="127.0.0.1",
            HTTP_X_FORWARDED_FOR=f"10.0.0.{n}, 198.51.100.4",
        )
    behind_nginx = {"REMOTE_ADDR": "127.0.0.1", "HTTP_X_FORWARDED_FOR": "192.0.2.9"}
    refused = client.post(
        reverse("admin:login"),
        {"username": user.username, "password": PASSWORD},
        HTTP_X_FORWARDED_FOR="198.51.100.4",
        REMOTE_ADDR="127.0.0.1",
    )
    assert refused.status_code == 429
    allowed = client.post(
        reverse("admin:login"), {"username": user.username, "password": PASSWORD}, **behind_nginx
    )
    assert allowed.status_code == 302


# Sessions --------------------------------------------------------------------------------


def test_the_session_id_changes_at_login(client):
    user = desk_user(EDITORS)
    session = client.session
    session["before"] = "login"
    session.save()
    old = session.session_key
    assert log_in(client, user.username).status_code == 302
    new = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert new != old
    assert not Session.objects.filter(pk=old).exists()
    assert client.session["before"] == "login"  # the data moves with it


def test_logout_ends_the_session_on_the_server(client):
    user = desk_user(EDITORS)
    log_in(client, user.username)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert signed_in(client)
    client.post(reverse("admin:logout"))
    assert not Session.objects.filter(pk=cookie).exists()
    stolen = Client()
    stolen.cookies[settings.SESSION_COOKIE_NAME] = cookie
    assert not signed_in(stolen)


def _admin_client(admin_user):
    editor = Client()
    editor.force_login(admin_user)
    return editor


def test_deactivating_a_user_in_the_admin_ends_their_sessions(admin_user):
    user = desk_user(REPORTERS)
    victim = Client()
    victim.force_login(user)
    other = Client()
    other.force_login(user)
    assert signed_in(victim)
    editor = _admin_client(admin_user)
    change = reverse("admin:auth_user_change", args=[user.pk])
    data = form_data(editor.get(change).content.decode(), "user_form")
    del data["is_active"]
    assert editor.post(change, data).status_code == 302
    user.refresh_from_db()
    assert not user.is_active
    assert not signed_in(victim)
    # Ended, not merely refused: reactivating the account does not bring them back.
    User.objects.filter(pk=user.pk).update(is_active=True)
    assert not signed_in(victim)
    assert not signed_in(other)
    assert signed_in(editor)


def test_a_deactivated_user_is_refused_even_without_the_admin(client):
    """Django's backend refuses an inactive user's session on every request."""
    user = desk_user(REPORTERS)
    client.force_login(user)
    User.objects.filter(pk=user.pk).update(is_active=False)
    assert not signed_in(client)


def test_a_password_changed_by_the_admin_ends_the_users_sessions(admin_user):
    user = desk_user(REPORTERS)
    victim = Client()
    victim.force_login(user)
    editor = _admin_client(admin_user)
    password = reverse("admin:auth_user_password_change", args=[user.pk])
    new = "another-long-phrase-7"
    response = editor.post(
        password, {"password1": new, "password2": new, "usable_password": "true"}
    )
    assert response.status_code == 302
    assert not signed_in(victim)
    assert signed_in(editor)


# The admin's address ---------------------------------------------------------------------


@pytest.fixture
def moved_admin():
    import newsroom.urls

    with override_settings(ADMIN_URL="desk-7f3a/"):
        importlib.reload(newsroom.urls)
        clear_url_caches()
        yield "/desk-7f3a/"
    importlib.reload(newsroom.urls)
    clear_url_caches()


def test_the_admin_lives_at_admin_url(client, moved_admin):
    user = desk_user(EDITORS)
    assert reverse("admin:index") == moved_admin
    assert client.get("/admin/").status_code == 404
    assert client.get(moved_admin).url.startswith(f"{moved_admin}login/")
    assert log_in(client, user.username).status_code == 302
    page = client.get(moved_admin, HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200
    assert "private" in page["Cache-Control"]
    assert page.content.decode().count(f'href="{moved_admin}articles/') >= 5
    # The admin follows the browser's language wherever it lives (articles/i18n.py).
    assert '<html lang="en"' in page.content.decode()
    robots = client.get("/robots.txt").content.decode()
    assert f"Disallow: {moved_admin}" in robots
    assert "/admin/" not in robots


def test_admin_url_defaults_to_admin():
    assert settings.ADMIN_URL == "admin/"
    assert reverse("admin:index") == "/admin/"


# Second factor ---------------------------------------------------------------------------


def test_setting_up_two_step_verification(client):
    user = desk_user(REPORTERS)
    client.force_login(user)
    elsewhere = Client()
    elsewhere.force_login(user)
    index = client.get(reverse("admin:index")).content.decode()
    setup = reverse("admin:two_step")
    assert f'href="{setup}"' in index  # in the user menu

    page = client.get(setup).content.decode()
    # Opening the page writes no row: the key waits in the session until a code confirms it.
    assert not TOTPDevice.objects.filter(user=user).exists()
    device = device_on_page(page, user)
    qr = reverse("admin:two_step_qr")
    assert f'<img src="{qr}"' in page
    assert device.config_url.replace("&", "&amp;") in page
    assert "otpauth://totp/" in page
    image = client.get(qr)
    assert image["Content-Type"] == "image/svg+xml"
    assert b"<svg" in image.content
    assert "no-store" in image["Cache-Control"]
    # Reloading the page keeps the key already scanned.
    assert device_on_page(client.get(setup).content.decode(), user).key == device.key

    wrong = client.post(setup, {"otp_token": "000000" if code(device) != "000000" else "111111"})
    assert wrong.status_code == 200
    assert not TOTPDevice.objects.filter(user=user).exists()
    before = client.session.session_key
    done = client.post(setup, {"otp_token": code(device)})
    assert done.status_code == 302
    assert client.session.session_key != before  # more rights, a new session id
    (device,) = TOTPDevice.objects.filter(user=user, key=device.key, confirmed=True)
    assert client.get(qr).status_code == 404  # the secret is shown only while setting up
    # This session is verified; the one signed in without a second factor is ended.
    assert "is on" in client.get(setup, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert signed_in(client)
    assert not signed_in(elsewhere)
    assert client.get(qr).status_code == 404  # the secret is not shown again


@pytest.fixture
def with_device():
    user = desk_user(EDITORS)
    return user, TOTPDevice.objects.create(user=user, name="phone", confirmed=True)


def test_login_asks_for_the_code(english, with_device):
    user, device = with_device
    form = english.get(reverse("admin:login")).content.decode()
    assert 'name="otp_token"' in form and 'autocomplete="one-time-code"' in form
    without = log_in(english, user.username)
    assert without.status_code == 200
    assert "enter the code your app shows" in without.content.decode()
    assert not signed_in(english)
    wrong = log_in(english, user.username, otp_token="12345" if code(device) != "12345" else "1")
    assert wrong.status_code == 200
    assert not signed_in(english)
    TOTPDevice.objects.filter(pk=device.pk).update(
        throttling_failure_timestamp=timezone.now() - timedelta(minutes=1)
    )
    right = log_in(english, user.username, otp_token=code(device))
    assert right.status_code == 302
    assert signed_in(english)
    assert "is on" in english.get(reverse("admin:two_step")).content.decode()


def test_a_wrong_password_with_a_right_code_is_refused(client, with_device):
    user, device = with_device
    assert log_in(client, user.username, "wrong", otp_token=code(device)).status_code == 200
    assert not signed_in(client)


def test_accounts_without_a_device_log_in_with_the_password_alone(client):
    user = desk_user(REPORTERS)
    assert log_in(client, user.username).status_code == 302
    assert signed_in(client)


def test_turning_it_off_takes_a_code(english, with_device):
    user, device = with_device
    log_in(english, user.username, otp_token=code(device))
    setup = reverse("admin:two_step")
    english.post(setup, {"otp_token": code(device, windows_ahead=1)})
    assert not TOTPDevice.objects.filter(user=user).exists()


@pytest.fixture
def required(settings):
    settings.OTP_REQUIRED_FOR_EDITORS = True


def test_an_editor_without_a_device_is_sent_to_set_one_up(client, required):
    user = desk_user(EDITORS)
    assert log_in(client, user.username).status_code == 302
    setup = reverse("admin:two_step")
    for url in (reverse("admin:index"), reverse("admin:articles_article_changelist")):
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith(f"{setup}?next=")
    page = client.get(setup)
    assert page.status_code == 200
    device = device_on_page(page.content.decode(), user)
    done = client.post(
        setup, {"otp_token": code(device), "next": reverse("admin:articles_article_changelist")}
    )
    assert done.url == reverse("admin:articles_article_changelist")
    assert signed_in(client)
    # Required: it cannot be turned off.
    client.post(setup, {"otp_token": code(device, windows_ahead=1)})
    assert TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def test_superusers_are_editors_too(client, required, admin_user):
    client.force_login(admin_user)
    assert client.get(reverse("admin:index")).status_code == 302


def test_an_editor_signed_in_without_the_code_must_give_it(english, required, with_device):
    user, device = with_device
    english.force_login(user)  # a session with no second factor
    index = reverse("admin:index")
    response = english.get(index)
    assert response.status_code == 302
    page = english.get(response.url).content.decode()
    assert "Enter the code your authenticator app shows" in page
    assert english.post(response.url, {"otp_token": code(device), "next": index}).url == index
    assert signed_in(english)


def test_reporters_are_not_required(client, required):
    client.force_login(desk_user(REPORTERS))
    assert signed_in(client)


def test_not_required_by_default(client):
    client.force_login(desk_user(EDITORS))
    assert signed_in(client)


def test_otp_code_helper_matches_the_device(with_device):
    """The codes above are the device's own: it accepts one (and only once)."""
    _user, device = with_device
    assert device.verify_token(code(device))
    assert not device.verify_token(code(device))
