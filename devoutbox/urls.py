from django.urls import path

from . import views

app_name = "devoutbox"
urlpatterns = [
    path("", views.outbox, name="outbox"),
    path("<int:pk>/", views.message, name="message"),
]
