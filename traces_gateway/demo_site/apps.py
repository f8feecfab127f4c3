from django.apps import AppConfig


class DemoSiteConfig(AppConfig):
    name = "traces_gateway.demo_site"
    label = "demo_traces"
