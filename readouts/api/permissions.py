"""Who may read the API: anyone, unless READOUTS_LOGIN_REQUIRED asks for a signed-in
user as it does on every page. Nothing is ever written through it."""

from django.conf import settings
from rest_framework.permissions import SAFE_METHODS, BasePermission


class ReadOnly(BasePermission):
    message = "Sign in to read the API: this site asks readers to sign in."

    def has_permission(self, request, view) -> bool:
        if request.method not in SAFE_METHODS:
            return False
        # Read on each request: LoginRequiredMiddleware leaves DRF's views to their
        # own permissions, so the switch is kept here too.
        if settings.READOUTS_LOGIN_REQUIRED:
            return bool(request.user and request.user.is_authenticated)
        return True
