"""What each service is told: ports, databases, NATS, JWKS, and the gateway's upstreams."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pos_launcher.catalogue import CATALOGUE, InstalledService, ServiceEntry
from pos_launcher.config import ConfigError, LauncherConfig


def spec(name: str) -> ServiceEntry:
    return next(s for s in CATALOGUE if s.name == name)


def env_of(config: LauncherConfig, name: str) -> dict[str, str]:
    return config.service_env(InstalledService(spec(name), has_migrations=True), CATALOGUE)


def test_defaults_are_the_documented_ports_and_one_sqlite_file_per_service(
    tmp_path: Path,
) -> None:
    config = LauncherConfig.from_environ({"POS_VAR_DIR": str(tmp_path)}, CATALOGUE)

    auth = env_of(config, "auth")
    core = env_of(config, "pos-core")

    assert config.bundled_nats_port == 14222
    assert auth["POS_AUTH_PORT"] == "8001"
    assert auth["POS_AUTH_HOST"] == "127.0.0.1"
    assert auth["POS_AUTH_DATABASE_URL"] == f"sqlite:///{tmp_path}/auth.db"
    assert auth["POS_AUTH_NATS_URL"] == "nats://127.0.0.1:14222"
    assert core["POS_CORE_PORT"] == "8002"
    assert core["POS_CORE_JWKS_URL"] == "http://127.0.0.1:8001/.well-known/jwks.json"
    assert core["PYTHONUNBUFFERED"] == "1"


def test_the_gateway_gets_every_upstream_and_no_database(tmp_path: Path) -> None:
    config = LauncherConfig.from_environ({"POS_VAR_DIR": str(tmp_path)}, CATALOGUE)

    gateway = env_of(config, "gateway")

    assert gateway["POS_GATEWAY_PORT"] == "8000"
    assert gateway["POS_GATEWAY_AUTH_URL"] == "http://127.0.0.1:8001"
    assert gateway["POS_GATEWAY_POS_CORE_URL"] == "http://127.0.0.1:8002"
    assert gateway["POS_GATEWAY_NOTIFICATION_URL"] == "http://127.0.0.1:8007"
    assert "POS_GATEWAY_DATABASE_URL" not in gateway


def test_the_guest_edge_has_its_own_port_and_guest_links_point_at_it(tmp_path: Path) -> None:
    config = LauncherConfig.from_environ(
        {"POS_VAR_DIR": str(tmp_path), "POS_GUEST_EDGE_PORT": "9108"}, CATALOGUE
    )

    guest_edge = env_of(config, "guest-edge")
    restaurant = env_of(config, "restaurant")

    assert guest_edge["POS_GUEST_EDGE_PORT"] == "9108"
    assert guest_edge["POS_GUEST_EDGE_CHATBOT_URL"] == "http://127.0.0.1:8006"
    assert "POS_GATEWAY_PORT" not in guest_edge  # the gateway's own port stays its own
    assert restaurant["POS_RESTAURANT_GUEST_LINK_BASE_URL"] == "http://127.0.0.1:9108/guest"


def test_settings_from_the_shell_win_and_the_upstreams_follow_the_ports(tmp_path: Path) -> None:
    config = LauncherConfig.from_environ(
        {
            "POS_VAR_DIR": str(tmp_path),
            "POS_AUTH_PORT": "9101",
            "POS_CORE_PORT": "9102",
            "POS_AUTH_DATABASE_URL": "postgresql://pos@db/auth",
            "NATS_URL": "nats://broker:4222",
        },
        CATALOGUE,
    )

    auth = env_of(config, "auth")
    gateway = env_of(config, "gateway")
    core = env_of(config, "pos-core")

    assert config.bundled_nats_port is None
    assert auth["POS_AUTH_PORT"] == "9101"
    assert auth["POS_AUTH_DATABASE_URL"] == "postgresql://pos@db/auth"
    assert auth["POS_AUTH_NATS_URL"] == "nats://broker:4222"
    assert gateway["POS_GATEWAY_AUTH_URL"] == "http://127.0.0.1:9101"
    assert gateway["POS_GATEWAY_POS_CORE_URL"] == "http://127.0.0.1:9102"
    assert core["POS_CORE_JWKS_URL"] == "http://127.0.0.1:9101/.well-known/jwks.json"


def test_the_var_dir_defaults_to_var_under_the_current_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)

    config = LauncherConfig.from_environ({"POS_NATS_PORT": "24222"}, CATALOGUE)

    assert config.var_dir == tmp_path / "var"
    assert config.nats_store_dir == tmp_path / "var" / "nats"
    assert config.nats_url == "nats://127.0.0.1:24222"


@pytest.mark.parametrize(
    ("environ", "message"),
    [
        ({"POS_AUTH_PORT": "eighty"}, "POS_AUTH_PORT='eighty' is not a whole number"),
        ({"POS_AUTH_PORT": "70000"}, "POS_AUTH_PORT=70000 is not a TCP port"),
        ({"POS_AUTH_PORT": "8000"}, "gateway and auth are both set to port 8000"),
        ({"POS_NATS_PORT": "8003"}, "inventory and nats-server are both set to port 8003"),
        ({"POS_LAUNCHER_STOP_TIMEOUT": "0"}, "POS_LAUNCHER_STOP_TIMEOUT must be more than 0"),
    ],
)
def test_a_setting_that_cannot_work_is_named(environ: dict[str, str], message: str) -> None:
    with pytest.raises(ConfigError, match="^" + message.replace("(", r"\(")):
        LauncherConfig.from_environ(environ, CATALOGUE)


def test_services_learn_where_the_services_they_call_are(tmp_path: Path) -> None:
    config = LauncherConfig.from_environ(
        {"POS_VAR_DIR": str(tmp_path), "POS_INVENTORY_PORT": "9103", "POS_AUTH_PORT": "9101"},
        CATALOGUE,
    )

    assert env_of(config, "pos-core")["POS_CORE_INVENTORY_URL"] == "http://127.0.0.1:9103"
    assert env_of(config, "restaurant")["POS_RESTAURANT_AUTH_URL"] == "http://127.0.0.1:9101"
    assert "POS_AUTH_AUTH_URL" not in env_of(config, "auth")


def test_each_service_account_shares_one_secret_with_auth(tmp_path: Path) -> None:
    config = LauncherConfig.from_environ({"POS_VAR_DIR": str(tmp_path)}, CATALOGUE)

    clients = json.loads(env_of(config, "auth")["POS_AUTH_BOOTSTRAP_CLIENTS"])
    restaurant = env_of(config, "restaurant")
    chatbot = env_of(config, "chatbot")
    core = env_of(config, "pos-core")

    assert clients == [
        {
            "client_id": "restaurant",
            "secret": restaurant["POS_RESTAURANT_AUTH_CLIENT_SECRET"],
            "scopes": ["users:write", "guests:issue"],
        },
        {
            "client_id": "chatbot",
            "secret": chatbot["POS_CHATBOT_AUTH_CLIENT_SECRET"],
            "scopes": ["menu:read"],
        },
        {
            "client_id": "pos-core",
            "secret": core["POS_CORE_AUTH_CLIENT_SECRET"],
            "scopes": ["inventory:reserve"],
        },
    ]
    assert restaurant["POS_RESTAURANT_AUTH_CLIENT_ID"] == "restaurant"
    assert chatbot["POS_CHATBOT_AUTH_CLIENT_ID"] == "chatbot"
    assert core["POS_CORE_AUTH_CLIENT_ID"] == "pos-core"
    assert chatbot["POS_CHATBOT_AUTH_URL"] == restaurant["POS_RESTAURANT_AUTH_URL"]
    assert core["POS_CORE_AUTH_URL"] == restaurant["POS_RESTAURANT_AUTH_URL"]
    assert len(set(config.service_secrets.values())) == 3
    other_run = LauncherConfig.from_environ({"POS_VAR_DIR": str(tmp_path)}, CATALOGUE)
    assert other_run.service_secrets["restaurant"] != config.service_secrets["restaurant"]


def test_notification_mails_into_the_local_sink_unless_smtp_is_configured(
    tmp_path: Path,
) -> None:
    local = LauncherConfig.from_environ(
        {"POS_VAR_DIR": str(tmp_path), "POS_SMTP_PORT": "9125"}, CATALOGUE
    )
    notification = env_of(local, "notification")
    assert notification["POS_NOTIFICATION_SMTP_HOST"] == "127.0.0.1"
    assert notification["POS_NOTIFICATION_SMTP_PORT"] == "9125"
    assert local.mail_dir == tmp_path / "mail"

    real = LauncherConfig.from_environ(
        {"POS_VAR_DIR": str(tmp_path), "POS_NOTIFICATION_SMTP_HOST": "smtp.example.com"},
        CATALOGUE,
    )
    assert real.mail_sink_port is None
    assert env_of(real, "notification")["POS_NOTIFICATION_SMTP_HOST"] == "smtp.example.com"


def test_payment_is_sent_to_the_card_simulator_unless_a_processor_is_set(tmp_path: Path) -> None:
    local = LauncherConfig.from_environ({"POS_VAR_DIR": str(tmp_path)}, CATALOGUE)
    assert local.card_simulator_port == 12111
    assert env_of(local, "payment")["POS_PAYMENT_PROCESSOR_BASE_URL"] == "http://127.0.0.1:12111"

    real = LauncherConfig.from_environ(
        {"POS_VAR_DIR": str(tmp_path), "POS_PAYMENT_PROCESSOR_BASE_URL": "https://api.stripe.com"},
        CATALOGUE,
    )
    assert real.card_simulator_port is None
    assert env_of(real, "payment")["POS_PAYMENT_PROCESSOR_BASE_URL"] == "https://api.stripe.com"


def test_the_chatbot_keeps_its_documents_under_var_and_gets_no_sql_database(
    tmp_path: Path,
) -> None:
    config = LauncherConfig.from_environ({"POS_VAR_DIR": str(tmp_path)}, CATALOGUE)

    chatbot = env_of(config, "chatbot")

    assert chatbot["POS_CHATBOT_EMBEDDED_STORE_PATH"] == str(tmp_path / "chatbot")
    assert "POS_CHATBOT_DATABASE_URL" not in chatbot


def test_a_stand_in_may_not_share_a_port(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="card simulator"):
        LauncherConfig.from_environ(
            {"POS_VAR_DIR": str(tmp_path), "POS_CARD_SIMULATOR_PORT": "8002"}, CATALOGUE
        )
