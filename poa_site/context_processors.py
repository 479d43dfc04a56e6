from django.conf import settings
from django.urls import NoReverseMatch, reverse

# (url name, label, who sees it): "todos", "planeacion" or "firmantes".
MENU = [
    ("avances:inicio", "Mis metas", "todos"),
    ("firmas:bandeja", "Bandeja de firmas", "todos"),
    ("tablero:index", "Tablero", "todos"),
    ("reportes:index", "Reportes", "todos"),
    ("programas:estructura", "Estructura del POA", "todos"),
    ("importacion:index", "Importar / exportar", "planeacion"),
    ("avances:periodos", "Periodos", "planeacion"),
    ("avances:asignaciones", "Usuarios y ámbitos", "planeacion"),
]


def sitio(request):
    """Expose the ayuntamiento's name and the menu the user may see to every template.

    The inbox item carries `insignia`: how many reports wait for the user (one query).
    """
    from avances.selectors_firma import pendientes_de_firma
    from programas.scope import alcance_de

    contexto = {"POA_AYUNTAMIENTO": settings.POA_AYUNTAMIENTO, "menu": []}
    user = getattr(request, "user", None)
    if not user or not user.is_authenticated:
        return contexto
    planeacion = alcance_de(user).planeacion
    for nombre, etiqueta, quien in MENU:
        if quien == "planeacion" and not planeacion:
            continue
        try:
            url = reverse(nombre)
        except NoReverseMatch:
            continue  # a screen not installed in this build
        activo = request.path.startswith(url) if url != "/" else request.path == "/"
        item = {"url": url, "etiqueta": etiqueta, "activo": activo, "insignia": 0}
        if nombre == "firmas:bandeja":
            item["insignia"] = pendientes_de_firma(user)
        contexto["menu"].append(item)
    return contexto


def acceso(request):
    """The login throttling numbers, so the login pages never hard-code them."""
    return {
        "acceso_intentos": settings.AXES_FAILURE_LIMIT,
        "acceso_minutos": settings.POA_ACCESO_MINUTOS,
        "acceso_intentos_direccion": settings.POA_ACCESO_LIMITE_POR_DIRECCION,
    }
