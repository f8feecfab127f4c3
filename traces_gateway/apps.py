from django.apps import AppConfig


class TracesGatewayConfig(AppConfig):
    name = "traces_gateway"
