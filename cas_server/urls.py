from django.urls import path

from . import views
from .eulogin import views as eulogin_views

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
    # EU Login's dialect.
    path("login/init", eulogin_views.login_init, name="login_init"),
    path("TicketValidationService", eulogin_views.ticket_validation_service, name="ticket_validation_service"),
    path("laxValidate", eulogin_views.lax_validate, name="lax_validate"),
    path("sponsorValidate", eulogin_views.sponsor_validate, name="sponsor_validate"),
    path("interinstitutionalValidate", eulogin_views.interinstitutional_validate, name="interinstitutional_validate"),
    path("strictValidate", eulogin_views.strict_validate, name="strict_validate"),
]
