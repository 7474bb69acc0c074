"""Settings for the test suite: the real settings, with a throwaway secret and fast hashing."""

import os

os.environ.setdefault("DJANGO_SECRET_KEY", "tests-only-not-a-secret")

from diplomacy.settings import *  # noqa: F403
from diplomacy.settings import DATABASES

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# A second, empty database: fixtures dumped from one must load into the other.
DATABASES["other"] = {
    **DATABASES["default"],
    "NAME": f"{DATABASES['default']['NAME']}_other",
    "TEST": {"NAME": None},
}
