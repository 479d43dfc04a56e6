from django.conf import settings
from django.urls import NoReverseMatch, reverse

# (url name, label, who sees it): "todos", "planeacion" or "firmantes".
MENU = [
    ("avances:inicio", "Mis metas", "todos"),
    ("firmas:bandeja", "Bandeja de firmas", "todos"),
    ("reportes:index", "Reportes", "todos"),
    ("programas:estructura", "Estructura del POA", "todos"),
    ("importacion:index", "Importar / exportar", "planeacion"),
    ("avances:periodos", "Periodos", "planeacion"),
    ("avances:asignaciones", "Usuarios y ámbitos", "planeacion"),
]


def sitio(request):
    """Expose the ayuntamiento's name and the menu the user may see to every template."""
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
        contexto["menu"].append({"url": url, "etiqueta": etiqueta, "activo": activo})
    return contexto
