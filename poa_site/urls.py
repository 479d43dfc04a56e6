from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

urlpatterns = [
    path("", include("avances.urls")),  # inicio, captura, historial, periodos, asignaciones
    path("", include("avances.urls_firma")),  # bandeja, firma, verificar
    path("programas/", include("planeacion.urls")),  # estructura y planeación en la web
    path("importacion/", include("plantilla.urls")),  # plantilla XLSX
    path("reportes/", include("reportes.urls")),
    path("entrar/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("salir/", auth_views.LogoutView.as_view(), name="logout"),
    path("admin/", admin.site.urls),
]
