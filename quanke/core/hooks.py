"""Typed extension points through which a higher layer takes part in the matter services of a lower one.

Dependencies point one way (DESIGN.md: core ← registry ← catalog ← matters ← assistance … ← reports). When the
matters services must let assistance or reports act, they call a hook here, explicitly, at the exact place in
the service; the higher app registers its entry in its AppConfig.ready(). Nothing runs implicitly on save().
The registries are quanke.core.seams.Registry, like the page contributions (home panels, nav, resident page).

- matter_written(matter): after any service writes a matter (reports refreshes its roll-ups after commit).
- matter_accepted(matter): inside the transaction that accepts a matter, whatever the entry point (visits tells
  the worker on duty of an urgent one); an exception rolls the acceptance back.
- intake(item code): an app that owns the procedure of a catalog item may take over the desk's intake of it
  (assistance opens the legal application procedure); its handler returns None to leave it a plain matter.
- decision_refusal(matter): an app that owns a matter's decision says why the matter may not be finished or
  refused on its own (an assistance application still in procedure).
- related(matter): links to records other apps keep about a matter, shown on the matter page.
- matter_finished(matter, actor, on): inside the transaction that finishes a matter (on the spot or after handling),
  the app that keeps the register behind its item writes it (meals issues the card, party updates the register), so
  that every entry point (desk, queue, API) writes the register with the matter or not at all.
- public_link(key, matter): the resident's own links (quanke.public: "rating", "track"), put into the messages
  the matter services send; empty while no app offers them.
- resident_links(matter, request): links a resident opens about her matter, printed with a QR code on the receipt
  and the one-time notice (the public app's progress page with the code filled in).
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from quanke.core.seams import Registry


def _key(fn: Callable) -> str:
    return f"{fn.__module__}.{fn.__qualname__}"


@dataclass(frozen=True)
class MatterWritten:
    key: str
    handler: Callable[[Any], None]  # (matter) -> None


@dataclass(frozen=True)
class MatterAccepted:
    key: str
    handler: Callable[[Any], None]  # (matter) -> None, inside the accepting transaction


@dataclass(frozen=True)
class IntakeProcedure:
    key: str  # the catalog item's code
    handler: Callable[..., Any]  # the intake service of the app that owns the item's procedure


@dataclass(frozen=True)
class DecisionGuard:
    key: str
    refusal: Callable[[Any], str | None]  # (matter) -> why it may not be decided on its own, or None


@dataclass(frozen=True)
class RelatedLinks:
    key: str
    links: Callable[[Any], list[dict]]  # (matter) -> [{label, url, note}]


@dataclass(frozen=True)
class MatterFinished:
    key: str
    handler: Callable[..., None]  # (matter, *, actor, on) -> None; raising rolls the finishing back


@dataclass(frozen=True)
class PublicLink:
    key: str  # "rating" (好差评) or "track" (进度查询)
    url: Callable[[Any], str]  # (matter) -> absolute URL


@dataclass(frozen=True)
class ResidentLink:
    key: str
    link: Callable[[Any, Any], dict | None]  # (matter, request) -> {label, url, qr_svg} or None


matter_written_handlers: Registry[MatterWritten] = Registry("matter written")
matter_finished_handlers: Registry[MatterFinished] = Registry("matter finished")
matter_accepted_handlers: Registry[MatterAccepted] = Registry("matter accepted")
intake_procedures: Registry[IntakeProcedure] = Registry("intake procedure")
decision_guards: Registry[DecisionGuard] = Registry("decision guard")
related_links: Registry[RelatedLinks] = Registry("related links")
public_links: Registry[PublicLink] = Registry("public links")
resident_link_makers: Registry[ResidentLink] = Registry("resident links")


def on_matter_written(fn: Callable) -> Callable:
    matter_written_handlers.register(MatterWritten(_key(fn), fn))
    return fn


def matter_written(matter) -> None:
    for entry in matter_written_handlers:
        entry.handler(matter)


def on_matter_finished(fn: Callable) -> Callable:
    matter_finished_handlers.register(MatterFinished(_key(fn), fn))
    return fn


def matter_finished(matter, *, actor, on) -> None:
    for entry in matter_finished_handlers:
        entry.handler(matter, actor=actor, on=on)


def on_matter_accepted(fn: Callable) -> Callable:
    matter_accepted_handlers.register(MatterAccepted(_key(fn), fn))
    return fn


def matter_accepted(matter) -> None:
    for entry in matter_accepted_handlers:
        entry.handler(matter)


def register_intake(item_code: str, handler: Callable) -> None:
    intake_procedures.register(IntakeProcedure(item_code, handler))


def intake_handler(item_code: str) -> Callable | None:
    entry = intake_procedures.get(item_code)
    return entry.handler if entry else None


def on_decision(fn: Callable) -> Callable:
    decision_guards.register(DecisionGuard(_key(fn), fn))
    return fn


def decision_refusal(matter) -> str | None:
    for guard in decision_guards:
        reason = guard.refusal(matter)
        if reason:
            return reason
    return None


def on_related(fn: Callable) -> Callable:
    related_links.register(RelatedLinks(_key(fn), fn))
    return fn


def related(matter) -> list[dict]:
    """[{label, url, note}] from every app that keeps records about this matter."""
    return [link for entry in related_links for link in entry.links(matter)]


def register_public_link(key: str, url: Callable) -> None:
    public_links.register(PublicLink(key, url))


def public_link(key: str, matter) -> str:
    entry = public_links.get(key)
    return entry.url(matter) if entry else ""


def on_resident_link(fn: Callable) -> Callable:
    resident_link_makers.register(ResidentLink(_key(fn), fn))
    return fn


def resident_links(matter, request=None) -> list[dict]:
    """[{label, url, qr_svg}] for the printed receipt and notice of a matter."""
    return [link for entry in resident_link_makers if (link := entry.link(matter, request))]
