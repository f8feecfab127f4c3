from django.urls import path

from . import dialects, views

app_name = "cas"

urlpatterns = [
    path("login", views.login, name="login"),
    path("logout", views.logout, name="logout"),
    path("validate", views.validate, name="validate"),
    path("serviceValidate", views.service_validate, name="service_validate"),
    path("proxyValidate", views.proxy_validate, name="proxy_validate"),
    path("proxy", views.proxy, name="proxy"),
    path("p3/serviceValidate", views.p3_service_validate, name="p3_service_validate"),
    path("p3/proxyValidate", views.p3_proxy_validate, name="p3_proxy_validate"),
    path("samlValidate", views.saml_validate, name="saml_validate"),
]
# Each dialect's endpoints (cas_server.eulogin registers EU Login's).
urlpatterns += dialects.urlpatterns
