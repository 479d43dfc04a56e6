from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from poa_site.admin_entrada import entrada_admin
from poa_site.salud import salud

# Every primary key in a URL is <id:…> (programas.conversores, registered once per process
# by programas.apps): 1-18 digits, so a 20-digit id is a 404 and never reaches the database.
urlpatterns = [
    path("", include("avances.urls")),  # inicio, captura, historial, periodos, asignaciones
    path("", include("avances.urls_firma")),  # bandeja, firma, verificar
    path("programas/", include("planeacion.urls")),  # estructura y planeación en la web
    path("importacion/", include("plantilla.urls")),  # plantilla XLSX
    path("reportes/", include("reportes.urls")),
    path("tablero/", include("reportes.urls_tablero")),  # avance, semáforo, firma, tendencia
    path("transparencia/", include("publico.urls")),  # portal público y datos abiertos
    path("api/v1/", include("publico.api.urls")),  # API de lectura (OpenAPI 3)
    path("salud/", salud, name="salud"),
    path("entrar/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("salir/", auth_views.LogoutView.as_view(), name="logout"),
    # Signed-in users who may not use the admin go to their home page with a message.
    path("admin/login/", entrada_admin, name="admin_entrada"),
    path("admin/", admin.site.urls),
]
