"""Simulated people for the soak: negotiators and a manager, over HTTP exactly as the browser does.

A negotiator logs in with the CSRF token of the login page, opens the calling screen, asks for the next
debtor, then loops: reads the outcome form the server rendered (every field a browser would send,
request_key and started_at included), picks a result, posts it with ``HX-Request`` and gets the next
debtor in the same answer ("save and next"). A failed post (5xx, connection error, timeout) is sent again
with the same request_key, as an agent pressing Enter again would.

Everything a simulated person sees is logged as plain tuples so that the caller can check it later:
each request (kind, start, seconds, status), each outcome acknowledged (request_key, debtor, agent,
result) and each hold (agent, debtor, from the answer that handed it out to the request that gave it back).
Times are ``time.time()`` so that several processes can be compared.
"""
from __future__ import annotations

import html
import random
import re
import threading
import time
from dataclasses import dataclass, field
from datetime import date, timedelta

import requests

TIMEOUT = 30
RETRIES = 3
# Result mix of a calling day: no answer / promise / motive / callback, with some busy and voicemail.
MIX = [("no_answer", 45), ("busy", 5), ("voicemail", 5), ("promise", 20), ("motive", 15), ("callback", 10)]

_LOGIN_TOKEN = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')
_HEADER_TOKEN = re.compile(r'"X-CSRFToken": "([^"]+)"')
_DEBTOR = re.compile(r'<section id="workspace"[^>]*\bdata-debtor="(\d+)"')
_FORM = re.compile(r'<form id="outcome-form".*?</form>', re.S)
_INPUT = re.compile(r"<input\b([^>]*)>", re.S)
_SELECT = re.compile(r"<select\b([^>]*)>(.*?)</select>", re.S)
_OPTION = re.compile(r"<option\b([^>]*)>", re.S)
_TEXTAREA = re.compile(r"<textarea\b([^>]*)>(.*?)</textarea>", re.S)
_ATTR = re.compile(r'([\w:-]+)(?:="([^"]*)")?')


@dataclass
class Log:
    """What one simulated person saw; merged across threads and processes by the caller."""
    requests: list = field(default_factory=list)      # (kind, started, seconds, status or error name)
    acked: list = field(default_factory=list)         # (request_key, debtor_id, agent_email, result)
    unconfirmed: list = field(default_factory=list)   # (request_key, debtor_id, agent_email, result)
    holds: list = field(default_factory=list)         # (agent_email, debtor_id, held_from, held_until)
    problems: list = field(default_factory=list)      # (agent_email, text)
    reconnects: list = field(default_factory=list)    # (kind, started, text): kept-alive connection closed

    def extend(self, other: "Log") -> None:
        for name in ("requests", "acked", "unconfirmed", "holds", "problems", "reconnects"):
            getattr(self, name).extend(getattr(other, name))


def _attrs(text: str) -> dict[str, str]:
    return {k: html.unescape(v or "") for k, v in _ATTR.findall(text)}


def form_fields(page: str) -> list[tuple[str, str]]:
    """The (name, value) pairs a browser would submit from the outcome form, before the agent touches it."""
    match = _FORM.search(page)
    return submitted(match.group(0)) if match is not None else []


def submitted(form: str) -> list[tuple[str, str]]:
    """The (name, value) pairs a browser submits from a form's HTML as it is shown."""
    fields = []
    for raw in _INPUT.findall(form):
        a = _attrs(raw)
        if "name" not in a:
            continue
        if a.get("type") in ("checkbox", "radio") and "checked" not in a:
            continue
        fields.append((a["name"], a.get("value", "on" if a.get("type") == "checkbox" else "")))
    for raw, body in _SELECT.findall(form):
        options = [_attrs(o) for o in _OPTION.findall(body)]
        chosen = next((o for o in options if "selected" in o), options[0] if options else None)
        if chosen is not None:
            fields.append((_attrs(raw)["name"], chosen.get("value", "")))
    for raw, body in _TEXTAREA.findall(form):
        fields.append((_attrs(raw)["name"], html.unescape(body)))
    return fields


def select_options(page: str, name: str) -> list[str]:
    """The non-empty option values of a select of the outcome form (the motive codes)."""
    form = _FORM.search(page).group(0)
    for raw, body in _SELECT.findall(form):
        if _attrs(raw).get("name") == name:
            return [o["value"] for o in map(_attrs, _OPTION.findall(body)) if o.get("value")]
    return []


def fill(page: str, result: str, rng: random.Random) -> tuple[list[tuple[str, str]], str]:
    """The form as the agent leaves it for ``result``; returns (fields, request_key)."""
    fields = [(k, v) for k, v in form_fields(page) if k != "outcome"]
    values = dict(fields)
    later = date.today() + timedelta(days=rng.randint(3, 20))

    def put(name, value):
        fields[:] = [(k, v) for k, v in fields if k != name]
        fields.append((name, value))

    if result in ("no_answer", "busy", "voicemail"):
        fields.append(("outcome", result))
    else:
        fields.append(("outcome", "contact"))
    if result == "promise":
        fields.append(("promise_on", "1"))
        put("promise_date", later.strftime("%d/%m/%Y"))  # amount, method and invoices: the defaults shown
    elif result == "motive":
        fields.append(("motive_on", "1"))
        code = rng.choice(select_options(page, "motive_1_code"))
        put("motive_1_code", code)
        put("motive_1_details", "Soak: motif donné au téléphone")
        if code == "insolvency":  # its opening date is asked
            put("motive_1_opened", (later - timedelta(days=30)).strftime("%d/%m/%Y"))
    elif result == "callback":
        fields.append(("callback_on", "1"))
        put("callback_date", later.strftime("%d/%m/%Y"))
        put("callback_time", f"{rng.randint(9, 17):02d}:{rng.choice((0, 15, 30, 45)):02d}")
        put("callback_scope", rng.choice(("personal", "team")))
    if rng.random() < 0.3:
        put("notes", "Soak: note de l’agent")
    return fields, values.get("request_key", "")


def debtor_of(page: str) -> int | None:
    match = _DEBTOR.search(page)
    return int(match.group(1)) if match else None


class Browser:
    """One person's browser: a cookie jar, the CSRF token, every request timed into the log."""

    def __init__(self, base: str, log: Log, lock: threading.Lock):
        self.base, self.log, self.lock = base, log, lock
        self.http = requests.Session()
        self.csrf = None

    def request(self, kind: str, method: str, path: str, htmx: bool = False, **kw):
        headers = kw.pop("headers", {})
        if htmx:
            headers["HX-Request"] = "true"
        if method == "POST" and self.csrf:
            headers["X-CSRFToken"] = self.csrf
        started = time.time()
        t0 = time.perf_counter()
        for tries in (1, 2):
            try:
                response = self.http.request(method, self.base + path, headers=headers, timeout=TIMEOUT,
                                             allow_redirects=False, **kw)
                status = response.status_code
                break
            except requests.RequestException as exc:
                response, status = None, exc.__class__.__name__
                if tries == 1 and _closed_while_idle(exc):
                    # gunicorn closes a kept-alive connection after 2 idle seconds; when that crosses the
                    # next request, a browser sends it again at once on a new connection. So do we.
                    with self.lock:
                        self.log.reconnects.append((kind, started, str(exc)[:200]))
                    continue
                break
        with self.lock:
            self.log.requests.append((kind, started, time.perf_counter() - t0, status))
        return response, started

    def login(self, email: str, password: str) -> None:
        page, _ = self.request("login", "GET", "/login")
        token = _LOGIN_TOKEN.search(page.text).group(1)
        answer, _ = self.request("login", "POST", "/login",
                                 data={"email": email, "password": password, "csrf_token": token})
        if answer is None or answer.status_code != 303:
            raise RuntimeError(f"login of {email} answered {getattr(answer, 'status_code', answer)}")
        home, _ = self.request("page", "GET", "/")
        self.csrf = _HEADER_TOKEN.search(home.text).group(1)


def _closed_while_idle(exc: Exception) -> bool:
    """The server closed a reused connection before answering (not: refused, timed out)."""
    text = str(exc)
    return isinstance(exc, requests.ConnectionError) and not isinstance(exc, requests.ConnectTimeout) and any(
        sign in text for sign in ("RemoteDisconnected", "Connection reset", "Broken pipe", "without response"))


def negotiator(base: str, campaign_id: int, email: str, password: str, stop_at: float, think: float,
               seed: int, log: Log, lock: threading.Lock) -> None:
    """Work the queue until ``stop_at``: claim, think, record, next."""
    rng = random.Random(seed)
    me = Browser(base, log, lock)
    url = f"/console/campaigns/{campaign_id}"
    local = Log()

    def note(problem):
        local.problems.append((email, problem))

    try:
        me.login(email, password)
        me.request("page", "GET", "/console/")
        me.request("page", "GET", url)
        page, held_from, debtor = None, None, None
        while time.time() < stop_at:
            if debtor is None:
                response, _ = me.request("claim", "POST", url + "/next", htmx=True)
                if response is None or response.status_code != 200:
                    time.sleep(1)
                    continue
                page, held_from, debtor = response.text, time.time(), debtor_of(response.text)
                if debtor is None:  # nobody to call now (queue empty or calls closed): wait as an agent would
                    time.sleep(2)
                    continue
            time.sleep(rng.uniform(0.5 * think, 1.5 * think))
            if rng.random() < 0.03:  # "j": skip without calling; the answer holds the next debtor
                response, sent = me.request("skip", "POST", url + "/next", htmx=True,
                                            data={"csrf_token": me.csrf, "held": str(debtor)})
                local.holds.append((email, debtor, held_from, sent))
                debtor = None
                if response is not None and response.status_code == 200:
                    page, held_from, debtor = response.text, time.time(), debtor_of(response.text)
                continue
            result = rng.choices([r for r, _ in MIX], [w for _, w in MIX])[0]
            fields, key = fill(page, result, rng)
            response, first_sent = None, None
            for attempt in range(RETRIES + 1):
                response, sent = me.request("record", "POST", f"{url}/debtors/{debtor}/outcome", htmx=True,
                                            data=fields)
                first_sent = first_sent or sent
                if response is not None and response.status_code < 500:
                    break
                time.sleep(1)
            local.holds.append((email, debtor, held_from, first_sent))
            if response is not None and response.status_code == 200:
                local.acked.append((key, debtor, email, result))
                page, held_from, debtor = response.text, time.time(), debtor_of(response.text)
                continue
            if response is None or response.status_code >= 500:
                local.unconfirmed.append((key, debtor, email, result))
            else:
                note(f"record of debtor {debtor} answered {response.status_code}: {_error_text(response.text)}")
            debtor = None  # start again with "next" (409: the lease was lost; 422: the form was refused)
    except Exception as exc:  # noqa: BLE001 - a crashed simulated agent is a problem to report, not to hide
        note(f"{exc.__class__.__name__}: {exc}")
    with lock:
        log.extend(local)


def _error_text(page: str) -> str:
    found = re.findall(r'class="field-error[^"]*"[^>]*>([^<]+)<', page) or re.findall(r'role="alert"[^>]*>([^<]+)<', page)
    return "; ".join(html.unescape(t).strip() for t in found)[:300] or page[:200]


def manager(base: str, campaign_id: int, email: str, password: str, stop_at: float, every: float,
            log: Log, lock: threading.Lock) -> None:
    """Keep the dashboard open: the page once, then the htmx poll of the figures every few seconds."""
    me = Browser(base, log, lock)
    url = f"/campaigns/{campaign_id}/supervision/"
    try:
        me.login(email, password)
        me.request("dashboard", "GET", url)
        while time.time() < stop_at:
            time.sleep(every)
            me.request("dashboard", "GET", url, htmx=True)
    except Exception as exc:  # noqa: BLE001
        with lock:
            log.problems.append((email, f"{exc.__class__.__name__}: {exc}"))


def run_negotiators(base: str, campaign_id: int, emails: list[str], password: str, stop_at: float,
                    think: float, seed: int, starts: list[float] | None = None) -> Log:
    """Threads, one per negotiator, in this process; returns the merged log (picklable).

    ``starts`` (epoch seconds, one per negotiator) spreads the logins as a morning shift starts; by default
    they come 50 ms apart.
    """
    log, lock = Log(), threading.Lock()
    starts = starts or [time.time() + 0.05 * i for i in range(len(emails))]

    def shift(i, email):
        time.sleep(max(0.0, starts[i] - time.time()))
        negotiator(base, campaign_id, email, password, stop_at, think, seed * 1000 + i, log, lock)

    threads = [threading.Thread(target=shift, args=(i, email), daemon=True) for i, email in enumerate(emails)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=max(0.0, stop_at - time.time()) + TIMEOUT * (RETRIES + 2))
    return log


def background_recap(base: str, campaign_id: int, email: str, password: str, timeout: float = 600) -> dict:
    """As the manager: ask for the recap in the background (a job for the worker), follow it until its file is
    ready, download it. Returns the state reached, the seconds it took and the workbook's size."""
    log, lock = Log(), threading.Lock()
    me = Browser(base, log, lock)
    me.login(email, password)
    started = time.time()
    answer, _ = me.request("recap", "POST", f"/campaigns/{campaign_id}/supervision/recap/background")
    if answer is None or answer.status_code not in (200, 303):
        return {"state": f"answered {getattr(answer, 'status_code', 'nothing')}", "seconds": time.time() - started}
    status_url = answer.headers.get("Location", "") if answer.status_code == 303 else \
        re.search(r'hx-get="([^"]+)"', answer.text).group(1)
    status_url = re.sub(r"^https?://[^/]+", "", status_url)
    state = "queued"
    while time.time() - started < timeout:
        page, _ = me.request("recap", "GET", status_url, htmx=True)
        text = page.text if page is not None else ""
        if "/file" in text:
            state = "done"
            break
        if 'role="alert"' in text:
            state = "failed"
            break
        time.sleep(1)
    result = {"state": state, "seconds": time.time() - started}
    if state == "done":
        workbook, _ = me.request("recap", "GET", status_url.rstrip("/") + "/file")
        result["bytes"] = len(workbook.content) if workbook is not None and workbook.status_code == 200 else 0
    return result


def open_calling_now(base: str, campaign_id: int, email: str, password: str) -> int:
    """As the manager, on the queue settings page: every day, 00:00-24:00, holidays not excluded.

    Every other setting is sent back as the page shows it. Returns the HTTP status of the save.
    """
    log, lock = Log(), threading.Lock()
    me = Browser(base, log, lock)
    me.login(email, password)
    page, _ = me.request("settings", "GET", f"/rules/campaigns/{campaign_id}")
    form = re.search(r'<form\b[^>]*method="post"[^>]*>.*?</form>', page.text.split("<main", 1)[-1], re.S).group(0)
    fields = submitted(form)
    drop = {"days", "exclude_holidays"} | {f"window_{i}_{e}" for i in range(3) for e in ("start", "end")}
    fields = [(k, v) for k, v in fields if k not in drop]
    fields += [("days", str(d)) for d in range(7)] + [("window_0_start", "00:00"), ("window_0_end", "24:00")]
    answer, _ = me.request("settings", "POST", f"/rules/campaigns/{campaign_id}", data=fields)
    return answer.status_code
