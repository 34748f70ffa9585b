"""isolation (issue 9): order taking while 200 guests chat against a slow LLM.

The chatbot is pointed at the scripted LLM server (`tools/llm-simulator`), every completion
taking 2 s. Orders are placed at a fixed rate through the gateway, first alone, then while
200 guests chat through the gateway: each guest opens a conversation and asks question after
question, waiting for each answer and reading it for a second; a guest turned away (429 or
503) waits what `Retry-After` says, as a chat window would. Reported: order p50/p99 without
and with the chat load, and what the guests got - answers, 429s (rate limits), 503s (the
chatbot's bulkhead full, or the gateway's chatbot pool full) - counted by the guests and by
the chatbot's own metrics, with the chatbot's settings beside them.
"""

from __future__ import annotations

import asyncio
import contextlib
import re
import uuid
from collections import Counter

from pos_bench import api
from pos_bench.cpu import Snapshot
from pos_bench.guests import READING_SECONDS, RETRY_AFTER_CAP, GuestCrowd
from pos_bench.http import HttpClient, HttpFailure
from pos_bench.loadgen import LoadResult
from pos_bench.results import Figure, ScenarioResult
from pos_bench.runner import LLM_LATENCY_SECONDS, Bench, say
from pos_bench.scenarios.common import (
    STEADY_RATE,
    latency_figure,
    order_load,
    ready_for_orders,
    record_slices,
)
from pos_bench.system import LOOPBACK

GUESTS = 200
ROUNDS = 3
# Where the guests chat: the guest edge, where guest links point (docs/adr/0006-guest-edge.md).
GUESTS_VIA = "guest-edge"
GUESTS_PROCESS = "guests"  # the CPU census's name for the guests' process (not the system)
ORDER_RATE = STEADY_RATE
RAMP_SECONDS = 5.0
TABLES_PER_RESTAURANT = 10
# The chatbot's isolation settings, pinned by the suite (they are the service's defaults
# at the time of writing) so that runs compare; they are written to the report.
CHATBOT_SETTINGS = {
    "POS_CHATBOT_LLM_MODEL": "bench-scripted",
    "POS_CHATBOT_LLM_TIMEOUT_SECONDS": "20",
    "POS_CHATBOT_LLM_MAX_CONCURRENCY": "8",
    "POS_CHATBOT_LLM_QUEUE_SIZE": "16",
    "POS_CHATBOT_LLM_BUSY_RETRY_AFTER_SECONDS": "5",
    "POS_CHATBOT_GUEST_QUESTIONS_PER_MINUTE": "12",
    "POS_CHATBOT_GUEST_BURST": "5",
    "POS_CHATBOT_RESTAURANT_QUESTIONS_PER_SECOND": "5",
    "POS_CHATBOT_RESTAURANT_BURST": "30",
    "POS_GATEWAY_CHATBOT_MAX_CONNECTIONS": "50",
    "POS_GATEWAY_UPSTREAM_POOL_TIMEOUT_SECONDS": "2",
}


def chatbot_env(llm_base_url: str) -> dict[str, str]:
    """What the launcher passes on for this scenario (only set when it runs)."""
    return {"POS_CHATBOT_LLM_BASE_URL": llm_base_url, **CHATBOT_SETTINGS}


async def guest_tokens(
    bench: Bench, tenants: list[api.Tenant], count: int
) -> tuple[list[str], str]:
    """`count` guests spread over the restaurants: guest links of their tables when the
    restaurant service issues them, else staff logins of their own (the assistant serves
    both; each has its own rate-limit bucket)."""
    gateway = bench.require_gateway()
    per_tenant = -(-count // len(tenants))
    tokens: list[str] = []
    how = "guest links (POST /api/v1/tables/{id}/guest-link)"
    for tenant in tenants:
        floor = await api.call(gateway, "POST", "/api/v1/floors", "a floor", 201,
                               json={"name": "Bench floor"}, headers=tenant.auth)  # fmt: skip
        tables = []
        for number in range(TABLES_PER_RESTAURANT):
            table = await api.call(
                gateway, "POST", "/api/v1/tables", "a table", 201,
                json={"floor_id": floor["id"], "name": f"T{number + 1}", "seats": 4},
                headers=tenant.auth,
            )  # fmt: skip
            tables.append(table["id"])
        for k in range(per_tenant):
            if len(tokens) >= count:
                break
            if how.startswith("guest"):
                link = await gateway.post(
                    f"/api/v1/tables/{tables[k % len(tables)]}/guest-link", headers=tenant.auth
                )
                if link.status == 201 and "token" in link.json():
                    tokens.append(str(link.json()["token"]))
                    continue
                how = f"staff logins (waiters), one per guest: guest links answered {link.status}"
            tokens.append(await _staff_token(gateway, tenant))
    return tokens, how


async def _staff_token(gateway: HttpClient, tenant: api.Tenant) -> str:
    email = f"waiter-{uuid.uuid4().hex[:12]}@bench.example"
    await api.call(
        gateway, "POST", "/api/v1/auth/users", "a waiter's login", 201,
        json={"email": email, "full_name": "Bench Waiter", "role": "waiter",
              "password": api.PASSWORD},
        headers=tenant.auth,
    )  # fmt: skip
    session = await api.call(
        gateway, "POST", "/api/v1/auth/login", "a waiter's login", 200,
        json={"email": email, "password": api.PASSWORD},
    )  # fmt: skip
    return str(session["access_token"])


_METRIC = re.compile(r"^(pos_chatbot_[a-z_]+_total)\{([^}]*)\}\s+([0-9.e+]+)$")


async def chatbot_counters(client: HttpClient) -> Counter[str]:
    """The chatbot's own counts of questions turned away and answers, by label."""
    counters: Counter[str] = Counter()
    with contextlib.suppress(HttpFailure, UnicodeDecodeError):
        response = await client.get("/metrics")
        for line in response.body.decode().splitlines():
            match = _METRIC.match(line)
            if match and match.group(1) in (
                "pos_chatbot_turned_away_total",
                "pos_chatbot_answers_total",
            ):
                counters[f"{match.group(1)}{{{match.group(2)}}}"] += int(float(match.group(3)))
    return counters


async def run(bench: Bench, result: ScenarioResult) -> None:
    if bench.llm is None:
        raise RuntimeError("the scripted LLM was not started (the isolation scenario needs it)")
    tenants = bench.tenants
    await bench.fresh_tokens()
    say(f"  isolation: making {GUESTS} guests ...")
    tokens, how = await guest_tokens(bench, tenants, GUESTS)
    system = bench.require_system()
    chatbot = bench.direct("chatbot")
    duration, warmup = bench.seconds(20), bench.seconds(3)
    result.settings = {
        "orders": f"{ORDER_RATE:g}/s, {len(tenants)} restaurants, in {ROUNDS} rounds of "
        f"{duration:g} s alone then {duration:g} s with the chat load (each after {warmup:g} s "
        "of warm-up), each condition's rounds taken as one: interleaving keeps a drift of the "
        "machine out of the ratio, and 300 orders a side make a steadier p99 than 100",
        "guests": f"{len(tokens)} over {len(tenants)} restaurants, {how}; each asks, waits for "
        f"the answer (JSON), reads {READING_SECONDS:g} s, asks again; honours Retry-After "
        f"(capped at {RETRY_AFTER_CAP:g} s); in a process of their own (python -m "
        "pos_bench.guests), not the order generator's",
        "LLM": f"tools/llm-simulator, {LLM_LATENCY_SECONDS:g} s per completion",
        "chatbot and gateway settings": ", ".join(f"{k}={v}" for k, v in CHATBOT_SETTINGS.items()),
        "CPU priority": "the chatbot and the guest edge run in the background (the "
        "catalogue's `background`: SCHED_IDLE under the launcher, their logs not relayed "
        "by it); so do the guests' process and the scripted LLM, which stand in for "
        "phones and a hosted LLM, not for this machine's work",
        "guests connect to": f"the {GUESTS_VIA}",
    }
    assert bench.var_dir is not None
    guests = GuestCrowd(bench.var_dir / "guests.log")
    seen_by_chatbot: Counter[str] = Counter()
    slices: dict[bool, list[LoadResult]] = {False: [], True: []}
    windows: dict[bool, list[tuple[Snapshot, Snapshot]]] = {False: [], True: []}

    async def orders(chatting: bool) -> None:
        before = bench.cpu_snapshot()
        slices[chatting].append(
            await order_load(bench, tenants, rate=ORDER_RATE, duration=duration, warmup=warmup)
        )
        windows[chatting].append((before, bench.cpu_snapshot()))

    try:
        await guests.start(LOOPBACK, system.port(GUESTS_VIA), tokens)
        if guests.process is not None:
            bench.extra_processes[GUESTS_PROCESS] = guests.process
        for number in range(1, ROUNDS + 1):
            say(f"  isolation: round {number} of {ROUNDS}: orders alone, then with the guests")
            await bench.quiesce(within=45)
            await ready_for_orders(bench, tenants)
            await orders(chatting=False)
            await guests.chat()
            await asyncio.sleep(RAMP_SECONDS)
            counted = await chatbot_counters(chatbot)
            await guests.record()
            await orders(chatting=True)
            await guests.pause()
            seen_by_chatbot.update(await chatbot_counters(chatbot) - counted)
    finally:
        got = await guests.stop()
        bench.extra_processes.pop(GUESTS_PROCESS, None)
    without, with_chat = (
        record_slices(
            result,
            slices[chatting],
            windows[chatting],
            f"orders at {ORDER_RATE:g}/s, {label}",
            unit="order",
            breakdown=True,
        )
        for chatting, label in ((False, "no chat"), (True, f"{len(tokens)} guests chatting"))
    )
    record = result.loads[-1]
    answers = got.answers.summary()
    result.details["chat"] = {
        "window_s": round(with_chat.duration + ROUNDS * warmup, 1),
        "guests_got": dict(got.outcomes),
        "answer_latency_ms": answers.as_dict(),
        "chatbot_metrics": dict(seen_by_chatbot),  # a plain dict: asdict() rebuilds a Counter wrong
    }
    record["chat"] = result.details["chat"]
    outcomes = got.outcomes
    busy = sum(v for k, v in outcomes.items() if k.startswith("503"))
    limited = outcomes.get("429 rate limited", 0)
    say(
        f"  isolation: guests got {dict(outcomes)}; answers p50 {answers.p50:.0f} ms, p99 "
        f"{answers.p99:.0f} ms; chatbot metrics {dict(seen_by_chatbot)}"
    )
    result.notes.append(
        "During the measured window the guests got: "
        + ", ".join(f"{k} {v}" for k, v in sorted(outcomes.items()))
        + f"; answers took p50 {answers.p50:.0f} ms, p99 {answers.p99:.0f} ms. The chatbot "
        f"counted: {', '.join(f'{k} {v}' for k, v in sorted(seen_by_chatbot.items())) or '-'}."
    )
    for label, load, tag in (
        ("without chat", without, "no_chat"),
        ("with chat", with_chat, "chat"),
    ):
        for which in ("p50", "p99"):
            key, text = f"isolation.{which}_{tag}", f"isolation: order {which} {label}"
            bench.run.add(latency_figure(key, text, load, which))
    p99_without, bad_without = without.percentile("p99")
    p99_with, bad_with = with_chat.percentile("p99")
    ok = p99_without and p99_with and not bad_without and not bad_with
    bench.run.add(
        Figure(
            "isolation.p99_ratio",
            "isolation: order p99 with the chat load / without",
            round(p99_with / p99_without, 3) if ok else None,  # type: ignore[operator]
            "x",
            "lower",
            invalid="" if ok else (bad_with or bad_without or "a p99 is missing"),
        )
    )
    bench.run.add(Figure("isolation.chat_503", "isolation: guests answered 503 (all causes)",
                         float(busy), "responses", "lower"))  # fmt: skip
    bench.run.add(Figure("isolation.chat_429", "isolation: guests answered 429 (rate limits)",
                         float(limited), "responses", "lower"))  # fmt: skip
    bench.run.add(Figure("isolation.chat_answered", "isolation: questions answered",
                         float(outcomes.get("answered", 0)), "answers", "higher"))  # fmt: skip
