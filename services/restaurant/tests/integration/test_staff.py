"""Staff, and their logins made in auth with a service token; nothing half-made on failure."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field

import pytest

from pos_kit.db import Database
from pos_kit.events.testing import wait_until
from pos_kit.uow import UnitOfWork
from pos_restaurant.domain.staff import Actor, Login, Role
from pos_restaurant.use_cases.staff import NewLogin, StaffRoster

PROBLEM = "application/problem+json"


def a_person(role: str = "waiter", login: bool | dict = True, **overrides):  # type: ignore[no-untyped-def]
    tag = uuid.uuid4().hex[:8]
    body = {
        "full_name": f"Sam {role.title()}",
        "role": role,
        "phone": "+33 6 12 34 56 78",
        "email": f"sam-{tag}@home.example",
    }
    if isinstance(login, dict):
        body["login"] = login
    elif login:
        body["login"] = {"email": f"{role}-{tag}@bistro.example", "password": "a long password"}
    body.update(overrides)
    return body


async def _staff(client, restaurant) -> list[dict]:
    response = await client.get("/api/v1/staff", headers=restaurant.headers())
    assert response.status_code == 200
    return response.json()["items"]


async def test_hiring_with_a_login_makes_it_in_auth_and_links_it(
    client, restaurant, standin_auth
) -> None:
    body = a_person("waiter")
    response = await client.post("/api/v1/staff", json=body, headers=restaurant.headers())
    assert response.status_code == 201, response.text
    member = response.json()
    [login] = standin_auth.logins_of(restaurant.tenant_id)
    assert member["auth_user_id"] == login.id
    assert member["login_email"] == body["login"]["email"]
    assert (login.role, login.full_name) == ("waiter", "Sam Waiter")
    assert (member["email"], member["phone"], member["is_active"]) == (
        body["email"],
        body["phone"],
        True,
    )
    # The token was asked for this restaurant, and is reused for the next hire.
    asked = [t for t in standin_auth.token_requests if t.get("tenant_id") == restaurant.tenant_id]
    await client.post("/api/v1/staff", json=a_person("kitchen"), headers=restaurant.headers())
    again = [t for t in standin_auth.token_requests if t.get("tenant_id") == restaurant.tenant_id]
    assert len(asked) == len(again) == 1
    assert (asked[0]["client_id"], asked[0]["scope"]) == ("restaurant", "users:write")
    fetched = await client.get(f"/api/v1/staff/{member['id']}", headers=restaurant.headers())
    assert fetched.json() == member


async def test_hiring_without_a_login_does_not_call_auth(client, restaurant, standin_auth) -> None:
    calls = len(standin_auth.create_requests)
    response = await client.post(
        "/api/v1/staff", json=a_person("kitchen", login=False), headers=restaurant.headers()
    )
    assert response.status_code == 201
    assert (response.json()["auth_user_id"], response.json()["login_email"]) == (None, None)
    assert len(standin_auth.create_requests) == calls


async def test_an_email_auth_already_has_is_409_and_nobody_is_added(
    client, restaurant, standin_auth
) -> None:
    first = a_person("cashier")
    assert (
        await client.post("/api/v1/staff", json=first, headers=restaurant.headers())
    ).status_code == 201
    twin = a_person("waiter", login=True)
    twin["login"]["email"] = first["login"]["email"].upper()
    refused = await client.post("/api/v1/staff", json=twin, headers=restaurant.headers())
    assert refused.status_code == 409
    assert refused.headers["content-type"] == PROBLEM
    assert [m["role"] for m in await _staff(client, restaurant)] == ["cashier"]


async def test_managers_hire_the_crew_but_not_managers_and_the_crew_hires_nobody(
    client, restaurant, standin_auth
) -> None:
    calls = len(standin_auth.create_requests)
    for role in ("manager", "owner"):
        refused = await client.post(
            "/api/v1/staff", json=a_person(role), headers=restaurant.headers("manager")
        )
        assert refused.status_code == 403, role
    assert len(standin_auth.create_requests) == calls, "auth must not be asked"
    hired = await client.post(
        "/api/v1/staff", json=a_person("waiter"), headers=restaurant.headers("manager")
    )
    assert hired.status_code == 201
    for role in ("cashier", "waiter", "kitchen"):
        headers = restaurant.headers(role)
        assert (await client.get("/api/v1/staff", headers=headers)).status_code == 403
        assert (
            await client.post("/api/v1/staff", json=a_person("kitchen"), headers=headers)
        ).status_code == 403


@pytest.mark.parametrize(
    ("body", "field"),
    [
        (a_person("owner"), "login"),
        (
            a_person("waiter", login={"email": "x@bistro.example", "password": "short"}),
            "body.login.password",
        ),
        (a_person("chef"), "body.role"),
        (a_person("waiter", email="not-an-email"), "body.email"),
        (a_person("waiter", phone="call me"), "body.phone"),
        (a_person("waiter", full_name=""), "body.full_name"),
        (a_person("waiter", login={"email": "nobody"}), "body.login.email"),
    ],
)
async def test_bad_staff_input_is_422_before_auth_is_asked(
    client, restaurant, standin_auth, body, field
) -> None:
    calls = len(standin_auth.create_requests)
    response = await client.post("/api/v1/staff", json=body, headers=restaurant.headers())
    assert response.status_code == 422, response.text
    assert field in {e["field"] for e in response.json()["errors"]}
    assert len(standin_auth.create_requests) == calls
    assert await _staff(client, restaurant) == []


async def test_if_the_row_cannot_be_saved_the_new_login_is_withdrawn(
    client, restaurant, standin_auth
) -> None:
    first = (
        await client.post("/api/v1/staff", json=a_person(), headers=restaurant.headers())
    ).json()
    # Make auth hand out an id this restaurant already links: the insert must fail.
    standin_auth.next_user_id = first["auth_user_id"]
    failed = await client.post(
        "/api/v1/staff", json=a_person("kitchen"), headers=restaurant.headers()
    )
    assert failed.status_code == 500
    assert failed.headers["content-type"] == PROBLEM
    assert first["auth_user_id"] in standin_auth.deactivated
    assert [m["id"] for m in await _staff(client, restaurant)] == [first["id"]]


async def test_deactivating_stops_the_login_in_auth_once(client, restaurant, standin_auth) -> None:
    member = (
        await client.post("/api/v1/staff", json=a_person(), headers=restaurant.headers())
    ).json()
    done = await client.post(
        f"/api/v1/staff/{member['id']}/deactivate", headers=restaurant.headers("manager")
    )
    assert done.status_code == 200
    assert (done.json()["is_active"], done.json()["deactivated_at"] is not None) == (
        True,
        True,
    ) or (done.json()["is_active"] is False)
    assert done.json()["is_active"] is False
    assert member["auth_user_id"] in standin_auth.deactivated
    again = await client.post(
        f"/api/v1/staff/{member['id']}/deactivate", headers=restaurant.headers()
    )
    assert again.status_code == 409


async def test_nobody_deactivates_themselves_and_managers_not_owners(
    client, restaurant, bus
) -> None:
    await bus.publish(restaurant.registered())

    async def owner_listed() -> bool:
        return len(await _staff(client, restaurant)) == 1

    await wait_until(owner_listed, within=5, what="the owner on the staff list")
    [owner] = await _staff(client, restaurant)
    myself = await client.post(
        f"/api/v1/staff/{owner['id']}/deactivate", headers=restaurant.headers()
    )
    assert myself.status_code == 409
    by_manager = await client.post(
        f"/api/v1/staff/{owner['id']}/deactivate", headers=restaurant.headers("manager")
    )
    assert by_manager.status_code == 403


async def test_edits_respect_roles_and_a_linked_login_keeps_its_role(client, restaurant) -> None:
    linked = (
        await client.post("/api/v1/staff", json=a_person(), headers=restaurant.headers())
    ).json()
    plain = (
        await client.post("/api/v1/staff", json=a_person(login=False), headers=restaurant.headers())
    ).json()
    url = "/api/v1/staff/{}"
    assert (
        await client.patch(
            url.format(linked["id"]), json={"role": "cashier"}, headers=restaurant.headers()
        )
    ).status_code == 409
    renamed = await client.patch(
        url.format(linked["id"]),
        json={"full_name": "Samantha", "phone": None},
        headers=restaurant.headers("manager"),
    )
    assert (renamed.json()["full_name"], renamed.json()["phone"]) == ("Samantha", None)
    promoted = await client.patch(
        url.format(plain["id"]), json={"role": "manager"}, headers=restaurant.headers("manager")
    )
    assert promoted.status_code == 403
    moved = await client.patch(
        url.format(plain["id"]), json={"role": "cashier"}, headers=restaurant.headers()
    )
    assert moved.json()["role"] == "cashier"
    assert (
        await client.patch(
            url.format(plain["id"]), json={"role": None}, headers=restaurant.headers()
        )
    ).status_code == 422


async def test_with_auth_down_hiring_and_deactivating_answer_503_and_change_nothing(
    kit, restaurant_factory, standin_auth_factory
) -> None:
    with standin_auth_factory() as own_auth:
        async with kit.other_client(auth_url=own_auth.url) as client:
            restaurant = restaurant_factory(on=client)
            hired = await client.post(
                "/api/v1/staff", json=a_person(), headers=restaurant.headers()
            )
            assert hired.status_code == 201
            own_auth.stop()

            refused = await client.post(
                "/api/v1/staff", json=a_person("kitchen"), headers=restaurant.headers()
            )
            assert refused.status_code == 503
            assert refused.headers["content-type"] == PROBLEM
            assert int(refused.headers["retry-after"]) >= 1
            assert refused.json()["downstream"] == "auth"
            assert "Nothing was saved" in refused.json()["detail"]
            # Without a login nobody needs auth: still possible.
            plain = await client.post(
                "/api/v1/staff", json=a_person(login=False), headers=restaurant.headers()
            )
            assert plain.status_code == 201

            stop = await client.post(
                f"/api/v1/staff/{hired.json()['id']}/deactivate", headers=restaurant.headers()
            )
            assert stop.status_code == 503
            listed = (await client.get("/api/v1/staff", headers=restaurant.headers())).json()
            assert sorted((m["role"], m["is_active"]) for m in listed["items"]) == [
                ("waiter", True),
                ("waiter", True),
            ]


@dataclass
class WatchedAuth:
    """Stands in for the auth client; notes whether a transaction was open while it answered."""

    uow: UnitOfWork
    open_while_asked: list[bool] = field(default_factory=list)

    async def create_login(self, *, email: str, **_: object) -> Login:
        self.open_while_asked.append(self.uow.in_transaction)
        return Login(user_id=uuid.uuid4(), email=email)

    async def deactivate_login(self, **_: object) -> None:
        self.open_while_asked.append(self.uow.in_transaction)


async def test_no_transaction_is_open_while_auth_answers(database_url, client, restaurant) -> None:
    database = Database(database_url)
    owner = Actor(tenant_id=uuid.UUID(restaurant.tenant_id), role=Role.OWNER, user_id="owner")
    try:
        async with database.unit_of_work() as uow:
            auth = WatchedAuth(uow)
            roster = StaffRoster(logins=auth)  # type: ignore[arg-type]
            member = await roster.hire(
                uow,
                actor=owner,
                full_name="Sam Waiter",
                role=Role.WAITER,
                phone=None,
                email=None,
                login=NewLogin(email="sam-watched@bistro.example", password="a long password"),
            )
            await roster.deactivate(uow, actor=owner, staff_id=member.id)
    finally:
        await database.dispose()
    assert auth.open_while_asked == [False, False]
    [listed] = await _staff(client, restaurant)
    assert (listed["id"], listed["is_active"]) == (str(member.id), False)
