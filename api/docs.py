"""/api/docs/: Swagger UI from drf-spectacular-sidecar's local copy (no CDN), its start-up
script served as a file (the split view) so the strict Content-Security-Policy holds."""

from drf_spectacular.views import SpectacularSwaggerSplitView


class SwaggerView(SpectacularSwaggerSplitView):
    template_name = "api/swagger_ui.html"
