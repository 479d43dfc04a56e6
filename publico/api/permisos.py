"""Throttling of the read API: rates read from settings on each request (tests override them)."""

from django.conf import settings
from rest_framework.throttling import AnonRateThrottle, UserRateThrottle


class ThrottleAnonimo(AnonRateThrottle):
    """Anonymous clients, per address: POA_API_TASA_ANONIMA (e.g. "120/min")."""

    def get_rate(self):
        return settings.POA_API_TASA_ANONIMA


class ThrottleUsuario(UserRateThrottle):
    """Clients with a token, per user: POA_API_TASA_USUARIO."""

    def get_rate(self):
        return settings.POA_API_TASA_USUARIO

    def allow_request(self, request, view):
        if not request.user or not request.user.is_authenticated:
            return True  # anonymous clients are ThrottleAnonimo's
        return super().allow_request(request, view)
