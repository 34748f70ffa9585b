"""Gateway settings: defaults for the local run, one environment variable per setting."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from pos_gateway.config import GatewaySettings
from pos_kit import catalogue


def test_defaults_point_at_the_local_ports_of_each_service() -> None:
    settings = GatewaySettings()

    assert settings.service_name == "gateway"
    assert settings.port == 8000
    assert settings.upstream_urls == {
        "auth": "http://127.0.0.1:8001",
        "pos-core": "http://127.0.0.1:8002",
        "inventory": "http://127.0.0.1:8003",
        "payment": "http://127.0.0.1:8004",
        "restaurant": "http://127.0.0.1:8005",
        "chatbot": "http://127.0.0.1:8006",
        "notification": "http://127.0.0.1:8007",
    }
    assert settings.max_body_bytes == 1_048_576
    assert settings.cors_allowed_origins == []


def test_environment_variables_set_each_upstream_and_limit(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("POS_GATEWAY_AUTH_URL", "http://auth:8001/")
    monkeypatch.setenv("POS_GATEWAY_POS_CORE_URL", "http://pos-core.pos.svc.cluster.local:8002")
    monkeypatch.setenv("POS_GATEWAY_READ_TIMEOUT_SECONDS", "12.5")
    monkeypatch.setenv("POS_GATEWAY_MAX_BODY_BYTES", "2048")
    monkeypatch.setenv("POS_GATEWAY_PORT", "9000")

    settings = GatewaySettings()

    assert settings.upstream_urls["auth"] == "http://auth:8001"
    assert settings.upstream_urls["pos-core"] == "http://pos-core.pos.svc.cluster.local:8002"
    assert settings.upstream_urls["inventory"] == "http://127.0.0.1:8003"
    assert settings.read_timeout_seconds == 12.5
    assert settings.max_body_bytes == 2048
    assert settings.port == 9000


@pytest.mark.parametrize(
    "value",
    [
        "https://till.example, http://localhost:5173",
        '["https://till.example", "http://localhost:5173"]',
    ],
)
def test_cors_origins_are_a_comma_separated_or_json_list(
    monkeypatch: pytest.MonkeyPatch, value: str
) -> None:
    monkeypatch.setenv("POS_GATEWAY_CORS_ALLOWED_ORIGINS", value)

    assert GatewaySettings().cors_allowed_origins == [
        "https://till.example",
        "http://localhost:5173",
    ]


def test_an_upstream_url_without_http_scheme_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("POS_GATEWAY_INVENTORY_URL", "inventory:8003")

    with pytest.raises(ValidationError, match=r"POS_GATEWAY_INVENTORY_URL: .*http://"):
        GatewaySettings()


def test_each_upstream_has_its_own_connection_pool_size_and_the_chatbot_a_smaller_one() -> None:
    settings = GatewaySettings()

    assert settings.upstream_max_connections == 200
    assert settings.upstream_pool_timeout_seconds == 2.0
    assert settings.upstream_connection_limits == dict.fromkeys(settings.upstream_urls, 200) | {
        "chatbot": 50
    }


def test_the_default_pool_size_and_each_service_s_own_come_from_the_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("POS_GATEWAY_UPSTREAM_MAX_CONNECTIONS", "300")
    monkeypatch.setenv("POS_GATEWAY_POS_CORE_MAX_CONNECTIONS", "500")
    monkeypatch.setenv("POS_GATEWAY_CHATBOT_MAX_CONNECTIONS", "10")
    monkeypatch.setenv("POS_GATEWAY_NOTIFICATION_MAX_CONNECTIONS", "1000")
    monkeypatch.setenv("POS_GATEWAY_UPSTREAM_POOL_TIMEOUT_SECONDS", "0.5")

    settings = GatewaySettings()

    assert settings.upstream_connection_limits == dict.fromkeys(settings.upstream_urls, 300) | {
        "pos-core": 500,
        "chatbot": 10,
        "notification": 1000,
    }
    assert settings.upstream_pool_timeout_seconds == 0.5


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("POS_GATEWAY_UPSTREAM_MAX_CONNECTIONS", "0"),
        ("POS_GATEWAY_CHATBOT_MAX_CONNECTIONS", "0"),
        ("POS_GATEWAY_PAYMENT_MAX_CONNECTIONS", "-1"),
        ("POS_GATEWAY_UPSTREAM_POOL_TIMEOUT_SECONDS", "0"),
    ],
)
def test_a_pool_without_connections_or_wait_is_refused(
    monkeypatch: pytest.MonkeyPatch, variable: str, value: str
) -> None:
    monkeypatch.setenv(variable, value)

    with pytest.raises(ValidationError, match="greater than"):
        GatewaySettings()


def test_settings_given_for_one_upstream_keep_the_others_at_their_defaults() -> None:
    settings = GatewaySettings(
        upstream_urls={"inventory": "http://inventory:8003"},
        upstream_connection_limits={"pos-core": 500},
    )

    assert settings.upstream_urls["inventory"] == "http://inventory:8003"
    assert settings.upstream_urls["auth"] == "http://127.0.0.1:8001"
    assert settings.upstream_connection_limits["pos-core"] == 500
    assert settings.upstream_connection_limits["chatbot"] == 50
    assert settings.upstream_connection_limits["auth"] == 200


def test_a_service_the_catalogue_does_not_list_is_refused() -> None:
    with pytest.raises(ValidationError, match="no upstream service in the catalogue"):
        GatewaySettings(upstream_urls={"kitchen-printer": "http://printer:9100"})


def test_every_upstream_in_the_catalogue_has_its_own_variables(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for service in catalogue.upstreams():
        monkeypatch.setenv(f"POS_GATEWAY_{service.upstream_env}_URL", f"http://{service.name}:1")
        monkeypatch.setenv(f"POS_GATEWAY_{service.upstream_env}_MAX_CONNECTIONS", "7")

    settings = GatewaySettings()

    assert settings.upstream_urls == {s.name: f"http://{s.name}:1" for s in catalogue.upstreams()}
    assert settings.upstream_connection_limits == {s.name: 7 for s in catalogue.upstreams()}


def test_the_guest_edge_routes_guest_chat_only_from_settings_of_its_own(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from pos_gateway.guest_edge import GuestEdgeSettings

    monkeypatch.setenv("POS_GATEWAY_PORT", "9000")  # the gateway's, not the guest edge's
    monkeypatch.setenv("POS_GUEST_EDGE_CHATBOT_URL", "http://chatbot:8006")

    settings = GuestEdgeSettings()

    assert (settings.port, settings.service_name) == (8008, "guest-edge")
    assert settings.routed_services == {"chatbot"}
    assert settings.upstream_urls["chatbot"] == "http://chatbot:8006"


def test_the_guest_edges_routes_are_set_like_the_gateways(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from pos_gateway.guest_edge import GuestEdgeSettings

    monkeypatch.setenv("POS_GUEST_EDGE_ROUTES_TO", "chatbot,restaurant")

    assert GuestEdgeSettings().routed_services == {"chatbot", "restaurant"}


def test_routing_an_unknown_service_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("POS_GATEWAY_ROUTES_TO", "chatbot,kitchen-printer")

    with pytest.raises(ValidationError, match="kitchen-printer"):
        GatewaySettings()
