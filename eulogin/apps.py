from django.contrib.admin.apps import AdminConfig


class EuloginAdminConfig(AdminConfig):
    default_site = "eulogin.admin.EuloginAdminSite"
