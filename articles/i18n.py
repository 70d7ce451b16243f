"""The interface language: Hindi for readers unless they choose English.

Django's LocaleMiddleware follows the browser's Accept-Language, so a reader whose phone
is set to English (most are, in India, whatever they read) would get an English interface
on a Hindi news site. For the readers' site the language is instead the reader's own
choice, made with the language switcher (Django's ``set_language`` cookie), and Hindi
(``LANGUAGE_CODE``) until they make one. The admin keeps Django's full negotiation,
Accept-Language included: editors get the admin in their browser's language.
"""

from django.conf import settings
from django.middleware.locale import LocaleMiddleware
from django.urls import reverse
from django.utils import translation
from django.utils.functional import lazy

_admin_prefix = lazy(lambda: reverse("admin:index"), str)()


class ReaderLocaleMiddleware(LocaleMiddleware):
    """LocaleMiddleware that ignores Accept-Language outside the admin (see module doc)."""

    def process_request(self, request):
        if request.path_info.startswith(str(_admin_prefix)):
            return super().process_request(request)
        try:
            # Only languages in LANGUAGES; a forged or stale cookie means Hindi.
            language = translation.get_supported_language_variant(
                request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME) or settings.LANGUAGE_CODE
            )
        except LookupError:
            language = settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
