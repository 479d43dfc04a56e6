"""Login throttling: django-axes locks per username, and this handler adds a limit per
client address across usernames (one client guessing many accounts)."""

from axes.attempts import get_cool_off_threshold
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_failure_limit
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Sum


def fallos_de_direccion(request) -> int:
    """Failed logins from the request's client address within the cool-off window."""
    direccion = getattr(request, "axes_ip_address", None)
    if not direccion:
        return 0
    intentos = AccessAttempt.objects.filter(ip_address=direccion)
    if settings.AXES_COOLOFF_TIME is not None:
        intentos = intentos.filter(attempt_time__gte=get_cool_off_threshold(request))
    return intentos.aggregate(n=Sum("failures_since_start"))["n"] or 0


class ManejadorAcceso(AxesDatabaseHandler):
    """Per-username lockout (AXES_LOCKOUT_PARAMETERS) plus POA_ACCESO_LIMITE_POR_DIRECCION
    failures per address over every username (0 turns the address limit off)."""

    def get_failures(self, request, credentials=None) -> int:
        por_usuario = super().get_failures(request, credentials)
        limite = settings.POA_ACCESO_LIMITE_POR_DIRECCION
        if limite and fallos_de_direccion(request) >= limite:
            return max(por_usuario, get_failure_limit(request, credentials))
        return por_usuario
