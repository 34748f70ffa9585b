"""Failed sign-ins are throttled per account from one address, and per address.

An account's failures never lock it out from everywhere (issue 12: account lockout as a
weapon): a guesser is slowed and then stopped at its own address only.
"""

from __future__ import annotations

import asyncio

PROXY = "203.0.113.10/32"


def from_(address: str) -> dict[str, str]:
    return {"X-Forwarded-For": address}


async def test_the_101st_failed_attempt_from_one_address_is_refused_and_other_accounts_work(
    kit, staff
) -> None:
    victim = await staff.sign_up()
    bystander = await staff.sign_up()
    email = victim["user"]["email"]
    async with kit.other_client(login_delay_base_seconds=0) as client:
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


async def test_a_hundred_wrong_passwords_elsewhere_do_not_lock_the_owner_out(kit, staff) -> None:
    owner = await staff.sign_up()
    email = owner["user"]["email"]
    async with kit.other_client(login_delay_base_seconds=0, trusted_proxies=[PROXY]) as client:
        for attempt in range(100):
            failed = await client.post(
                "/api/v1/auth/login",
                json={"email": email, "password": f"guess {attempt}"},
                headers=from_("198.51.100.66"),
            )
            assert failed.status_code == 401, attempt
        attacker = await client.post(
            "/api/v1/auth/login",
            json={"email": email, "password": owner["password"]},
            headers=from_("198.51.100.66"),
        )
        assert attacker.status_code == 429

        at_the_restaurant = await client.post(
            "/api/v1/auth/login",
            json={"email": email, "password": owner["password"]},
            headers=from_("192.0.2.20"),
        )
        assert at_the_restaurant.status_code == 200, at_the_restaurant.text


async def test_after_the_free_failures_each_try_waits_twice_as_long(kit, staff) -> None:
    owner = await staff.sign_up()
    email = owner["user"]["email"]
    guesser = from_("198.51.100.77")
    async with kit.other_client(
        login_free_failures=2, login_delay_base_seconds=1, trusted_proxies=[PROXY]
    ) as client:

        async def guess() -> int:
            answer = await client.post(
                "/api/v1/auth/login", json={"email": email, "password": "guess"}, headers=guesser
            )
            if answer.status_code == 429:
                return -int(answer.headers["retry-after"])
            return answer.status_code

        assert [await guess(), await guess()] == [401, 401]
        assert await guess() == -1  # wait 1 s after the second failure
        await asyncio.sleep(1.1)
        assert await guess() == 401
        assert await guess() == -2  # then 2 s
        # Meanwhile the owner, elsewhere, is not slowed at all.
        owner_login = await client.post(
            "/api/v1/auth/login",
            json={"email": email, "password": owner["password"]},
            headers=from_("192.0.2.21"),
        )
        assert owner_login.status_code == 200


async def test_one_address_guessing_many_accounts_is_throttled(kit) -> None:
    async with kit.other_client(max_failed_logins_per_address=3, trusted_proxies=[PROXY]) as client:
        attacker = from_("198.51.100.7")
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
            headers=from_("198.51.100.8"),
        )
        assert elsewhere.status_code == 401


async def test_sign_ups_from_one_address_are_limited_counting_the_refused_ones(kit) -> None:
    """A 409 tells whether an e-mail is registered; the limit keeps that from being read
    at scale (issue 12), and counts the 409s too, which are what an enumeration reads."""

    def owner(email: str) -> dict[str, str]:
        return {
            "restaurant_name": "Chez Test",
            "email": email,
            "password": "correct horse battery",
            "full_name": "Olive Owner",
        }

    async with kit.other_client(max_signups_per_address=3, trusted_proxies=[PROXY]) as client:
        office = from_("198.51.100.90")
        taken = "taken@bistro.example"
        first = await client.post("/api/v1/auth/signup", json=owner(taken), headers=office)
        assert first.status_code == 201, first.text
        again = await client.post("/api/v1/auth/signup", json=owner(taken), headers=office)
        assert again.status_code == 409
        other = await client.post(
            "/api/v1/auth/signup", json=owner("second@bistro.example"), headers=office
        )
        assert other.status_code == 201

        probe = await client.post(
            "/api/v1/auth/signup", json=owner("who@bistro.example"), headers=office
        )
        assert probe.status_code == 429
        assert probe.headers["content-type"] == "application/problem+json"
        assert 0 < int(probe.headers["retry-after"]) <= 3600

        elsewhere = await client.post(
            "/api/v1/auth/signup", json=owner("who@bistro.example"), headers=from_("192.0.2.30")
        )
        assert elsewhere.status_code == 201
