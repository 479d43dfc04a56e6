from django.contrib.admin.apps import AdminConfig


class PoaAdminConfig(AdminConfig):
    default_site = "avances.admin_base.PoaAdminSite"
