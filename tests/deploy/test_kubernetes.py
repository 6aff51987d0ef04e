"""deploy/kubernetes/ validates against pinned Kubernetes versions and fits the app it deploys."""

from __future__ import annotations

import json
import math
import re
import urllib.request

import kubernetes_validate
import pytest
import yaml

from tests.conftest import ROOT, start_gunicorn, stop

FOLDER = ROOT / "deploy" / "kubernetes"
# The oldest minor version upstream still supports, and the newest the pinned
# kubernetes-validate ships schemas for (offline, inside its wheel).
KUBERNETES_VERSIONS = ("1.35.0", "1.37.0")
MANIFESTS = sorted(p for p in FOLDER.glob("*.yaml") if p.name != "kustomization.yaml")


def load(name: str) -> dict:
    return yaml.safe_load((FOLDER / name).read_text())


def container() -> dict:
    (only,) = load("deployment.yaml")["spec"]["template"]["spec"]["containers"]
    return only


@pytest.mark.parametrize("version", KUBERNETES_VERSIONS)
@pytest.mark.parametrize("path", MANIFESTS, ids=lambda p: p.name)
def test_manifest_is_valid_kubernetes(path, version):
    for document in yaml.safe_load_all(path.read_text()):
        assert kubernetes_validate.validate(document, version, strict=True) == version.rsplit(".", 1)[0]


def test_strict_validation_catches_a_misspelt_field():
    deployment = load("deployment.yaml")
    deployment["spec"]["template"]["spec"]["containers"][0]["readinesProbe"] = {}
    with pytest.raises(kubernetes_validate.ValidationError, match="readinesProbe"):
        kubernetes_validate.validate(deployment, KUBERNETES_VERSIONS[0], strict=True)


def test_kustomization_lists_every_manifest_and_the_image():
    kustomization = load("kustomization.yaml")
    assert sorted(kustomization["resources"]) == [p.name for p in MANIFESTS]
    assert [i["name"] for i in kustomization["images"]] == [container()["image"]]


def test_probes_port_and_scrape_annotations_fit_the_app(client):
    spec = container()
    env = {e["name"]: e.get("value") for e in spec["env"]}
    (port,) = spec["ports"]
    assert env["CHUNKWISE_BIND"] == f"0.0.0.0:{port['containerPort']}"
    probes = {k: spec[k]["httpGet"] for k in ("startupProbe", "readinessProbe", "livenessProbe")}
    assert probes["readinessProbe"]["path"] == "/readyz"
    assert probes["livenessProbe"]["path"] == probes["startupProbe"]["path"] == "/healthz"
    assert all(p["port"] == port["name"] for p in probes.values())
    annotations = load("deployment.yaml")["spec"]["template"]["metadata"]["annotations"]
    assert annotations["prometheus.io/scrape"] == "true"
    assert annotations["prometheus.io/port"] == str(port["containerPort"])
    for path in [p["path"] for p in probes.values()] + [annotations["prometheus.io/path"]]:
        assert client.get(path).status_code == 200, path


def test_every_setting_in_the_environment_is_a_documented_one():
    documented = set(re.findall(r"`(CHUNKWISE_[A-Z_]+)`", (ROOT / "docs" / "reference.md").read_text()))
    names = {e["name"] for e in container()["env"]}
    assert {n for n in names if n.startswith("CHUNKWISE_")} <= documented
    assert {
        "CHUNKWISE_WORKERS",
        "CHUNKWISE_THREADS",
        "CHUNKWISE_TIMEOUT",
        "PROMETHEUS_MULTIPROC_DIR",
    } <= names


def test_runs_as_non_root_on_a_read_only_root_with_writable_scratch():
    pod = load("deployment.yaml")["spec"]["template"]["spec"]
    spec = container()
    assert pod["securityContext"]["runAsNonRoot"] is True and pod["securityContext"]["runAsUser"] > 0
    context = spec["securityContext"]
    assert context["readOnlyRootFilesystem"] is True
    assert context["allowPrivilegeEscalation"] is False
    assert context["capabilities"]["drop"] == ["ALL"]
    mounts = {m["mountPath"]: m["name"] for m in spec["volumeMounts"]}
    volumes = {v["name"]: v for v in pod["volumes"]}
    metrics_dir = next(e["value"] for e in spec["env"] if e["name"] == "PROMETHEUS_MULTIPROC_DIR")
    for path in ("/tmp", metrics_dir):
        assert "emptyDir" in volumes[mounts[path]], path
    resources = spec["resources"]
    assert set(resources["requests"]) == set(resources["limits"]) == {"cpu", "memory"}


def test_service_and_autoscaler_point_at_the_deployment():
    deployment, service, hpa = load("deployment.yaml"), load("service.yaml"), load("hpa.yaml")
    labels = deployment["spec"]["template"]["metadata"]["labels"]
    assert service["spec"]["selector"].items() <= labels.items()
    assert deployment["spec"]["selector"]["matchLabels"].items() <= labels.items()
    assert service["spec"]["ports"][0]["targetPort"] == container()["ports"][0]["name"]
    assert service["spec"]["sessionAffinity"] == "None"  # no sticky sessions: replicas share nothing
    assert hpa["apiVersion"] == "autoscaling/v2"
    assert hpa["spec"]["scaleTargetRef"] == {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "name": "chunkwise",
    }
    (metric,) = hpa["spec"]["metrics"]
    assert metric["resource"]["name"] == "cpu" and metric["resource"]["target"]["type"] == "Utilization"
    assert "replicas" not in deployment["spec"]  # the autoscaler owns the count


def pod_environment(metrics_dir) -> dict[str, str]:
    """The container's environment as the kubelet would give it, bound to loopback for the test."""
    spec = container()
    env = {}
    for entry in spec["env"]:
        if "value" in entry:
            env[entry["name"]] = entry["value"]
        else:
            field = entry["valueFrom"]["resourceFieldRef"]
            assert field == {"resource": "limits.cpu", "divisor": "1"}
            # The kubelet rounds a CPU quantity up to whole divisors.
            cpu = spec["resources"]["limits"]["cpu"]
            cores = int(cpu[:-1]) / 1000 if cpu.endswith("m") else float(cpu)
            env[entry["name"]] = str(math.ceil(cores))
    env["PROMETHEUS_MULTIPROC_DIR"] = str(metrics_dir)
    del env["CHUNKWISE_BIND"]
    return env


@pytest.mark.live
def test_the_deployment_environment_starts_the_service(tmp_path):
    env = pod_environment(tmp_path / "metrics")
    server = start_gunicorn(tmp_path, env, workers=int(env["CHUNKWISE_WORKERS"]))
    try:
        for path in ("/healthz", "/readyz", "/metrics"):
            with urllib.request.urlopen(server.url + path, timeout=10) as response:
                assert response.status == 200, path
        with urllib.request.urlopen(server.url + "/", timeout=10) as response:
            limits = json.load(response)["limits"]
        assert limits["max_text_chars"] == int(env["CHUNKWISE_MAX_TEXT_CHARS"])
        assert list((tmp_path / "metrics").glob("*.db"))  # the workers write their metrics there
    finally:
        stop(server)


def test_the_shared_index_directory_fits_the_tmp_volume():
    env = {e["name"]: e.get("value") for e in container()["env"]}
    volumes = load("deployment.yaml")["spec"]["template"]["spec"]["volumes"]
    limit = next(v for v in volumes if v["name"] == "tmp")["emptyDir"]["sizeLimit"]
    assert limit.endswith("Mi")
    # An entry is written before the oldest are evicted: up to twice the bound at once.
    assert 2 * int(env["CHUNKWISE_INDEX_CACHE_BYTES"]) < int(limit[:-2]) * 1024 * 1024
