"""Alert delivery: a JSON POST to a webhook, or an e-mail through an SMTP server.

The webhook goes through the crawler's guarded resolver, so by default it cannot reach
loopback or private addresses either (``allow_private`` for an intranet receiver).
"""

from __future__ import annotations

import asyncio
import json
import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from urllib.parse import urlsplit

from linkatlas.output import to_jsonable

__all__ = ["SmtpSettings", "post_webhook", "send_email", "render_text"]


@dataclass(frozen=True)
class SmtpSettings:
    host: str = "localhost"
    port: int = 25
    sender: str = "linkatlas@localhost"
    starttls: bool = False
    user: str | None = None
    password: str | None = None
    timeout: float = 15.0


def post_webhook(url: str, payload: dict, *, allow_private: bool = False, timeout: float = 15.0) -> dict:
    """POST ``payload`` as JSON; the outcome as {ok, status | error}."""
    import aiohttp

    from linkatlas.crawl.net import GuardedResolver

    async def post() -> dict:
        resolver = GuardedResolver(allow_private=allow_private)
        connector = aiohttp.TCPConnector(resolver=resolver, use_dns_cache=False)
        async with aiohttp.ClientSession(connector=connector, timeout=aiohttp.ClientTimeout(total=timeout)) as session:
            await resolver.addresses(urlsplit(url).hostname or "")  # the guard also covers IP literals
            async with session.post(url, data=json.dumps(to_jsonable(payload)),
                                    headers={"Content-Type": "application/json"}) as response:
                return {"ok": 200 <= response.status < 300, "status": response.status}

    try:
        return asyncio.run(post())
    except Exception as error:  # delivery problems are reported in the alert, never fatal
        return {"ok": False, "error": f"{type(error).__name__}: {error}"[:300]}


def render_text(payload: dict) -> str:
    lines = [f"linkatlas monitor #{payload['monitor_id']} — {payload['target']} ({payload['scope']})",
             f"run {payload['run_id']} at {payload['at']}", ""]
    for kind in ("new", "lost", "broken"):
        items = payload[kind]
        lines.append(f"{kind}: {len(items)}")
        lines += [f"  {item['source_url']} → {item['target_url']}" for item in items[:200]]
    lines.append(f"toxic: {len(payload['toxic'])}")
    lines += [f"  {item['domain']} (score {item.get('score')})" for item in payload["toxic"][:200]]
    lines += [f"note: {note}" for note in payload["notes"]]
    return "\n".join(lines) + "\n"


def send_email(settings: SmtpSettings, to: str, subject: str, text: str) -> dict:
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = settings.sender, to, subject
    message.set_content(text)
    try:
        with smtplib.SMTP(settings.host, settings.port, timeout=settings.timeout) as smtp:
            if settings.starttls:
                smtp.starttls(context=ssl.create_default_context())
            if settings.user:
                smtp.login(settings.user, settings.password or "")
            smtp.send_message(message)
    except (OSError, smtplib.SMTPException) as error:
        return {"ok": False, "error": f"{type(error).__name__}: {error}"[:300]}
    return {"ok": True}
