"""Synthetic customer events: orders, web and app sessions, email engagement, with seasons and segments.

Events reach people only through what the sources carry (an ecommerce customer id, a loyalty
member id, a device id or an email as written in a source), exactly as real event feeds do.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from tandem.customer.synth_flaws import People, present, record_keys
from tandem.customer.synth_people import END_DAY, NONE

START_DAY = np.datetime64("2024-01-01")
DAYS = np.arange(START_DAY, END_DAY + np.timedelta64(1, "D"))
_SEGMENT_RATE = {  # events per person per year: orders, sessions
    "vip": (8.0, 15.0),
    "regular": (3.0, 6.0),
    "occasional": (0.9, 2.0),
    "dormant": (0.5, 0.5),
}
_OPEN_RATE = {"vip": 0.5, "regular": 0.3, "occasional": 0.15, "dormant": 0.04}
_BASKET = {"vip": 4.8, "regular": 4.3, "occasional": 4.0, "dormant": 3.7}  # log of the typical order value
_MONTH_FACTOR = np.array([0.8, 0.75, 0.9, 1.0, 1.05, 1.0, 0.95, 0.9, 1.0, 1.05, 1.45, 1.7])
_WEEKDAY_FACTOR = np.array([1.05, 1.0, 1.0, 1.0, 1.05, 1.2, 1.15])  # Monday first
_HOUR_WEIGHTS = np.array(
    [1, 0.5, 0.3, 0.2, 0.2, 0.4, 1, 2, 3, 3.5, 4, 4.5, 5.5, 5, 4.5, 4.5, 4.5, 5, 6, 7, 7.5, 6.5, 4.5, 2.5]
)
_CURRENCY = {"US": "USD", "GB": "GBP"}
_CAMPAIGNS = (
    "New Year Sale",
    "Winter Layers",
    "Spring Trails",
    "Easter Weekend",
    "Camping Season",
    "Summer Gear",
    "Festival Ready",
    "Back to School",
    "Autumn Hikes",
    "Rain Ready",
    "Black Friday",
    "Gift Guide",
)
_LANDING = ("/", "/sale", "/c/hiking", "/c/camping", "/c/running", "/p/trail-shoe", "/p/rain-jacket", "/blog")


@dataclass(frozen=True, slots=True)
class Links:
    """What the sources of one chunk let events refer to, per person (row = pid - start)."""

    ecommerce_key: np.ndarray
    loyalty_key: np.ndarray
    device: np.ndarray
    email: np.ndarray


def _day_weights() -> np.ndarray:
    month = DAYS.astype("datetime64[M]").astype(int) % 12
    weekday = (DAYS.astype(int) + 3) % 7  # 1970-01-01 was a Thursday
    w = _MONTH_FACTOR[month] * _WEEKDAY_FACTOR[weekday] * np.linspace(1.0, 1.25, len(DAYS))  # growth
    for day, factor in (("2024-11-29", 4), ("2024-12-02", 2.5), ("2025-11-28", 4), ("2025-12-01", 2.5)):
        w[DAYS == np.datetime64(day)] *= factor  # Black Friday and Cyber Monday
    return np.asarray(w / w.sum(), dtype=float)


_DAY_P = _day_weights()
_HOUR_P = _HOUR_WEIGHTS / _HOUR_WEIGHTS.sum()


def _times(rng: np.random.Generator, n: int, dormant: np.ndarray) -> np.ndarray:
    day = rng.choice(len(DAYS), size=n, p=_DAY_P)
    day = np.where(dormant, (day * 0.35).astype(int), day)  # dormant people stopped buying early on
    seconds = rng.choice(24, size=n, p=_HOUR_P) * 3600 + rng.integers(0, 3600, n)
    return np.asarray(DAYS[day].astype("datetime64[s]") + seconds.astype("timedelta64[s]"))


def person_ids(pids: np.ndarray) -> np.ndarray:
    return np.array([f"P{p:08d}" for p in pids], dtype=object)


def orders(p: People, links: Links, rng: np.random.Generator, seq: int) -> tuple[pa.Table, np.ndarray]:
    segment = p["segment"]
    known = present(links.ecommerce_key) | present(links.loyalty_key)
    rate = np.array([_SEGMENT_RATE[s][0] for s in segment]) * 2 * np.where(known, 1.0, 0.1)
    owner = np.repeat(np.arange(len(segment)), rng.poisson(rate))
    # nobody can order online with neither an account nor an email to send the receipt to
    reachable = present(links.ecommerce_key) | present(links.loyalty_key) | present(p["email"])
    owner = owner[reachable[owner]]
    n = len(owner)
    has_ec, has_loy = present(links.ecommerce_key)[owner], present(links.loyalty_key)[owner]
    roll = rng.random(n)
    channel = np.where(has_loy & (~has_ec | (roll < 0.2)), "store", np.where(roll < 0.7, "web", "app")).astype(object)
    online = channel != "store"
    guest = online & (~has_ec | (rng.random(n) < 0.1)) & present(p["email"])[owner]
    customer = np.where(online & ~guest, links.ecommerce_key[owner], NONE)
    email = np.where(guest, p["email"][owner], NONE)
    member = np.where(channel == "store", links.loyalty_key[owner], NONE)
    when = _times(rng, n, segment[owner] == "dormant")
    month = when.astype("datetime64[M]").astype(int) % 12
    basket = np.array([_BASKET[s] for s in segment[owner]])
    amount = np.round(np.exp(rng.normal(basket, 0.6)) * np.where(month >= 10, 1.2, 1.0), 2)
    status = rng.choice(["completed", "returned", "cancelled"], size=n, p=(0.92, 0.05, 0.03)).astype(object)
    ids = record_keys("O", seq, n, 7, width=10)
    table = pa.table(
        {
            "order_id": ids,
            "ordered_at": np.datetime_as_string(when, unit="s").astype(object),
            "channel": channel,
            "customer_id": pa.array(customer, pa.string()),
            "loyalty_member_id": pa.array(member, pa.string()),
            "email": pa.array(email, pa.string()),
            "amount": [f"{a:.2f}" for a in amount],
            "currency": [_CURRENCY.get(c, "EUR") for c in p["country"][owner]],
            "status": status,
            "item_count": 1 + rng.poisson(1.2, n),
        }
    )
    return table, p["pid"][owner]


def sessions(p: People, links: Links, rng: np.random.Generator, seq: int) -> tuple[pa.Table, np.ndarray]:
    segment = p["segment"]
    active = present(links.ecommerce_key) | present(links.device)
    rate = np.array([_SEGMENT_RATE[s][1] for s in segment]) * 2 * active
    owner = np.repeat(np.arange(len(segment)), rng.poisson(rate))
    anonymous = rng.integers(0, max(1, len(owner) // 10) + 1)  # visitors who never become customers
    n, total = len(owner), len(owner) + int(anonymous)
    device = links.device[owner]
    app = present(device) & (rng.random(n) < 0.45)
    platform = np.where(app, np.where(rng.random(n) < 0.6, "ios", "android"), "web").astype(object)
    hexes = rng.bytes(8 * total).hex()
    cookies = np.array([f"ck_{hexes[16 * i : 16 * i + 16]}" for i in range(total)], dtype=object)
    dev_out = cookies.copy()
    dev_out[:n] = np.where(app | (present(device) & (rng.random(n) < 0.3)), device, cookies[:n])
    logged_in = present(links.ecommerce_key[owner]) & (rng.random(n) < 0.5)
    customer = np.full(total, None, dtype=object)
    customer[:n] = np.where(logged_in, links.ecommerce_key[owner], NONE)
    plat = np.concatenate([platform, np.full(total - n, "web", dtype=object)])
    when = _times(rng, total, np.concatenate([segment[owner] == "dormant", np.zeros(total - n, bool)]))
    order = np.argsort(when, kind="stable")  # feeds arrive in time order
    table = pa.table(
        {
            "session_id": record_keys("S", seq, total, 13, width=11)[order],
            "started_at": np.datetime_as_string(when[order], unit="s", timezone="UTC").astype(object),
            "duration_s": rng.lognormal(5.0, 1.0, total).astype(int)[order],
            "platform": plat[order],
            "device_id": dev_out[order],
            "customer_id": pa.array(customer[order], pa.string()),
            "utm_source": rng.choice(["google", "direct", "newsletter", "instagram", "partner"], size=total)[order],
            "landing_page": np.array(_LANDING, dtype=object)[rng.integers(0, len(_LANDING), total)][order],
            "pages_viewed": (1 + rng.poisson(4, total))[order],
        }
    )
    truth = np.concatenate([p["pid"][owner], np.full(total - n, -1)])[order]
    return table, truth


def email_events(p: People, links: Links, rng: np.random.Generator, seq: int) -> tuple[pa.Table, np.ndarray]:
    """One campaign a month to a segment-weighted share of people with a usable email in a source."""
    reachable = np.flatnonzero(
        [e is not None and "@" in e and not e.startswith(("test@", "none@", "noemail@")) for e in links.email]
    )
    share = np.array([_OPEN_RATE[s] for s in p["segment"][reachable]]) + 0.3
    months = np.arange(START_DAY.astype("datetime64[M]"), (END_DAY + 1).astype("datetime64[M]"))
    who, when, camp = [], [], []
    for k, month in enumerate(months):
        picked = reachable[rng.random(len(reachable)) < share * 0.6]
        sent = month.astype("datetime64[D]") + np.timedelta64(8 + k % 7, "D")
        who.append(picked)
        when.append(np.full(len(picked), sent.astype("datetime64[s]") + np.timedelta64(10 * 3600, "s")))
        camp.append(np.full(len(picked), k))
    send_who, send_at, send_camp = np.concatenate(who), np.concatenate(when), np.concatenate(camp)
    send_at = send_at + rng.integers(0, 5400, len(send_at)).astype("timedelta64[s]")  # batches go out over 90 min
    opened = rng.random(len(send_who)) < np.array([_OPEN_RATE[s] for s in p["segment"][send_who]])
    open_at = send_at[opened] + rng.exponential(4 * 3600, int(opened.sum())).astype("timedelta64[s]")
    clicked = rng.random(int(opened.sum())) < 0.22
    click_at = open_at[clicked] + rng.exponential(300, int(clicked.sum())).astype("timedelta64[s]")
    person = np.concatenate([send_who, send_who[opened], send_who[opened][clicked]])
    kind = np.repeat(np.array(["send", "open", "click"], dtype=object), [len(send_who), opened.sum(), clicked.sum()])
    campaign = np.concatenate([send_camp, send_camp[opened], send_camp[opened][clicked]])
    at = np.concatenate([send_at, open_at, click_at])
    url = np.where(kind == "click", np.array(_LANDING, dtype=object)[campaign % len(_LANDING)], NONE)
    names = np.array([f"{_CAMPAIGNS[m.astype(int) % 12]} {m.astype('datetime64[Y]')}" for m in months], dtype=object)
    table = pa.table(
        {
            "event_id": record_keys("E", seq, len(person), 17, width=11),
            "event_type": kind,
            "occurred_at": pa.array(at, pa.timestamp("s", tz="UTC")),
            "email": links.email[person],
            "campaign_id": np.array([f"CMP-{m}" for m in months], dtype=object)[campaign],
            "campaign_name": names[campaign],
            "link_url": pa.array(url, pa.string()),
        }
    )
    return table, p["pid"][person]
