"""Settings for the test suite: the real settings, with a throwaway secret and fast hashing."""

import os

os.environ.setdefault("DJANGO_SECRET_KEY", "tests-only-not-a-secret")

from diplomacy.settings import *  # noqa: F403
from diplomacy.settings import DATABASES

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# Tests render pages without running collectstatic first.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# The test client speaks plain HTTP.
SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False

# A second, empty database: fixtures dumped from one must load into the other.
DATABASES["other"] = {
    **DATABASES["default"],
    "NAME": f"{DATABASES['default']['NAME']}_other",
    "TEST": {"NAME": None},
}
# Static files come from the apps' folders, as in development.
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True

# Pages are not kept between requests: inside a test's transaction the data version
# (moved on at each commit) does not change on PostgreSQL, so a kept page would hide the
# test's own writes. tests/test_caching.py turns the cache on, with commits.
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"},
    "pages": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"},
}
