"""EU Login's endpoints, served under /cas/ beside the core's (registered by the dialect)."""

from django.urls import path

from . import views

urlpatterns = [
    path("login/init", views.login_init, name="login_init"),
    path("TicketValidationService", views.ticket_validation_service, name="ticket_validation_service"),
    path("laxValidate", views.lax_validate, name="lax_validate"),
    path("sponsorValidate", views.sponsor_validate, name="sponsor_validate"),
    path("interinstitutionalValidate", views.interinstitutional_validate, name="interinstitutional_validate"),
    path("strictValidate", views.strict_validate, name="strict_validate"),
]
