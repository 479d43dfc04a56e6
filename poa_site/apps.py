from django.contrib.admin.apps import AdminConfig


class PoaAdminConfig(AdminConfig):
    default_site = "poa_site.admin.PoaAdminSite"
