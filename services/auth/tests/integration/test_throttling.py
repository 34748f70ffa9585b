"""Failed sign-ins are throttled per account and per client address."""

from __future__ import annotations


async def test_the_101st_failed_attempt_is_refused_and_other_accounts_keep_working(
    client, staff
) -> None:
    victim = await staff.sign_up()
    bystander = await staff.sign_up()
    email = victim["user"]["email"]
    for attempt in range(100):
        failed = await client.post(
            "/api/v1/auth/login", json={"email": email, "password": f"guess {attempt}"}
        )
        assert failed.status_code == 401, attempt

    throttled = await client.post(
        "/api/v1/auth/login", json={"email": email, "password": victim["password"]}
    )
    assert throttled.status_code == 429
    assert throttled.headers["content-type"] == "application/problem+json"
    assert 0 < int(throttled.headers["retry-after"]) <= 3600

    other = await client.post(
        "/api/v1/auth/login",
        json={"email": bystander["user"]["email"], "password": bystander["password"]},
    )
    assert other.status_code == 200


async def test_one_address_guessing_many_accounts_is_throttled(kit) -> None:
    async with kit.other_client(
        max_failed_logins_per_address=3, trusted_proxies=["203.0.113.10/32"]
    ) as client:
        attacker = {"X-Forwarded-For": "198.51.100.7"}
        for n in range(3):
            r = await client.post(
                "/api/v1/auth/login",
                json={"email": f"target{n}@bistro.example", "password": "guess"},
                headers=attacker,
            )
            assert r.status_code == 401
        blocked = await client.post(
            "/api/v1/auth/login",
            json={"email": "target9@bistro.example", "password": "guess"},
            headers=attacker,
        )
        assert blocked.status_code == 429
        elsewhere = await client.post(
            "/api/v1/auth/login",
            json={"email": "target9@bistro.example", "password": "guess"},
            headers={"X-Forwarded-For": "198.51.100.8"},
        )
        assert elsewhere.status_code == 401
