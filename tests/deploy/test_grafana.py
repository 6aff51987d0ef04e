"""The Grafana dashboard: provisioned by docker-compose, and every query names what /metrics exports."""

from __future__ import annotations

import json
import re
import urllib.error
import urllib.request

import pytest
import yaml

from tests.conftest import ROOT

pytestmark = pytest.mark.live

GRAFANA = ROOT / "deploy" / "grafana"
DASHBOARD = GRAFANA / "dashboards" / "chunkwise.json"
IDENTIFIER = re.compile(r"[A-Za-z_:][A-Za-z0-9_:]*")
# PromQL's functions, aggregations and keywords that the dashboard may use.
PROMQL_WORDS = frozenset(
    "sum avg min max count rate irate increase histogram_quantile by without on ignoring"
    " group_left group_right and or unless bool offset topk bottomk clamp_min clamp_max abs".split()
)


def expressions() -> list[str]:
    dashboard = json.loads(DASHBOARD.read_text())
    return [target["expr"] for panel in dashboard["panels"] for target in panel["targets"]]


def parse(expression: str) -> tuple[set[str], set[str]]:
    """The metric names and the label names an expression uses."""
    labels = set()
    for block in re.findall(r"\{([^}]*)\}", expression):
        labels |= set(re.findall(r"([A-Za-z_]\w*)\s*(?:=~|!~|!=|=)", block))
    for block in re.findall(r"\b(?:by|without|on|ignoring)\s*\(([^)]*)\)", expression):
        labels |= set(IDENTIFIER.findall(block))
    stripped = re.sub(r'"[^"]*"', "", expression)
    stripped = re.sub(r"\{[^}]*\}|\[[^\]]*\]", "", stripped)
    stripped = re.sub(r"\b(?:by|without|on|ignoring)\s*\([^)]*\)", "", stripped)
    names = {word for word in IDENTIFIER.findall(stripped) if word not in PROMQL_WORDS}
    return names, labels


def test_the_parser_finds_names_and_labels():
    names, labels = parse(
        "histogram_quantile(0.95, sum by (le, endpoint)"
        ' (rate(x_bucket{status=~"5..",a="b"}[$__rate_interval]))) / sum(rate(y_total[5m]))'
    )
    assert names == {"x_bucket", "y_total"}
    assert labels == {"le", "endpoint", "status", "a"}


def scrape(url: str) -> dict[str, set[str]]:
    """Sample name to the label names it carries, from a live /metrics."""
    with urllib.request.urlopen(url + "/metrics", timeout=30) as response:
        text = response.read().decode()
    exported: dict[str, set[str]] = {}
    for line in text.splitlines():
        match = re.match(r"([A-Za-z_:][A-Za-z0-9_:]*)(?:\{(.*)\})? ", line)
        if match and not line.startswith("#"):
            labels = set(re.findall(r'([A-Za-z_]\w*)="', match.group(2) or ""))
            exported.setdefault(match.group(1), set()).update(labels)
    return exported


def post(url: str, path: str, body: dict) -> None:
    request = urllib.request.Request(
        url + path, data=json.dumps(body).encode(), headers={"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        assert response.status == 200


def test_every_dashboard_query_names_exported_metrics_and_labels(live_server):
    chunks = ["Pears keep well in a cellar.", "Apples ripen in autumn."]
    post(live_server.url, "/chunking", {"text": "One sentence. Another one here.", "chunk_size": 20})
    for _ in range(3):
        post(live_server.url, "/answer", {"question": "Where do pears keep?", "chunks": chunks})
    with pytest.raises(urllib.error.HTTPError):
        urllib.request.urlopen(live_server.url + "/nowhere", timeout=30)
    exported = scrape(live_server.url)
    queries = expressions()
    assert len(queries) >= 10
    for query in queries:
        names, labels = parse(query)
        assert names, query
        missing = names - set(exported)
        assert not missing, f"{query}: {missing} not in /metrics"
        carried = set().union(*(exported[name] for name in names))
        assert labels <= carried, f"{query}: labels {labels - carried} not on {names}"


def test_the_dashboard_covers_what_operators_watch():
    joined = "\n".join(expressions())
    for metric in (
        "chunkwise_requests_total",
        "chunkwise_request_duration_seconds_bucket",
        "chunkwise_answer_cache_total",
        "chunkwise_answer_cache_lookups_total",
        "chunkwise_input_characters_bucket",
    ):
        assert metric in joined
    assert 'status=~"5..' in joined
    assert "histogram_quantile(0.99" in joined


def test_panels_use_the_provisioned_data_source_and_ids_are_unique():
    dashboard = json.loads(DASHBOARD.read_text())
    (source,) = yaml.safe_load((GRAFANA / "provisioning" / "datasources" / "prometheus.yml").read_text())[
        "datasources"
    ]
    assert source["url"] == "http://prometheus:9090"
    ids = [panel["id"] for panel in dashboard["panels"]]
    assert len(ids) == len(set(ids))
    for panel in dashboard["panels"]:
        assert panel["datasource"]["uid"] == source["uid"]
        assert all(target["datasource"]["uid"] == source["uid"] for target in panel["targets"])


def test_compose_provisions_grafana_beside_prometheus():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    grafana = compose["services"]["grafana"]
    assert re.fullmatch(r"grafana/grafana:\d+\.\d+\.\d+", grafana["image"])
    mounts = {volume.split(":")[0]: volume.split(":")[1] for volume in grafana["volumes"]}
    assert mounts["./deploy/grafana/provisioning"] == "/etc/grafana/provisioning"
    provider = yaml.safe_load((GRAFANA / "provisioning" / "dashboards" / "chunkwise.yml").read_text())
    (entry,) = provider["providers"]
    assert mounts["./deploy/grafana/dashboards"] == entry["options"]["path"]
    assert "prometheus" in grafana["depends_on"]
    assert all(port.startswith("127.0.0.1:") for port in grafana["ports"])
