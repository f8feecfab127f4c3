"""The Kubernetes manifests of deploy/kubernetes/ pass the Kubernetes schema (strict:
no unknown field), and probe the health endpoints that exist."""

import copy
from pathlib import Path

import kubernetes_validate
import pytest
import yaml
from django.test import Client

ROOT = Path(__file__).resolve().parent.parent
MANIFESTS = sorted((ROOT / "deploy" / "kubernetes").glob("*.yaml"))
VERSION = "1.30.0"


def documents():
    return [(path.name, doc) for path in MANIFESTS for doc in yaml.safe_load_all(path.read_text()) if doc]


def test_every_manifest_passes_the_kubernetes_schema_strictly():
    kinds = set()
    for name, doc in documents():
        assert kubernetes_validate.validate(doc, VERSION, strict=True) is not False, name
        kinds.add(doc["kind"])
    assert {"Deployment", "Service", "HorizontalPodAutoscaler"} <= kinds


def test_the_schema_check_refuses_a_mistake():
    deployment = next(doc for _, doc in documents() if doc["kind"] == "Deployment")
    broken = copy.deepcopy(deployment)
    broken["spec"]["template"]["spec"]["containers"][0]["readinessProbe"]["httpGet"]["port"] = [8000]
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(broken, VERSION, strict=True)
    broken = copy.deepcopy(deployment)
    broken["spec"]["replica"] = 2  # a typo: strict refuses unknown fields
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(broken, VERSION, strict=True)


@pytest.mark.django_db
def test_the_probes_point_at_endpoints_that_answer():
    paths = {probe["httpGet"]["path"]
             for _, doc in documents() if doc["kind"] == "Deployment"
             for container in doc["spec"]["template"]["spec"]["containers"]
             for key in ("readinessProbe", "livenessProbe", "startupProbe")
             if (probe := container.get(key)) and "httpGet" in probe}
    assert paths == {"/health/ready", "/health/live"}
    for path in paths:
        assert Client().get(path, HTTP_HOST="10.0.0.7:8000").status_code == 200


def test_docker_compose_has_the_same_proxy_in_front_of_two_ready_nodes():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    services = compose["services"]
    assert "./deploy/docker/nginx.conf:/etc/nginx/nginx.conf:ro" in services["proxy"]["volumes"]
    for web in ("web1", "web2"):
        assert "/health/ready" in " ".join(services[web]["healthcheck"]["test"])
        assert services["proxy"]["depends_on"][web] == {"condition": "service_healthy"}
    conf = (ROOT / "deploy" / "docker" / "nginx.conf").read_text()
    assert "server web1:8000" in conf and "server web2:8000" in conf and "location = /metrics { return 404; }" in conf
