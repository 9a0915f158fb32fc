"""Typed registries through which a higher app takes part in pages and work owned by a lower one.

Dependencies point one way (DESIGN.md: core ← registry ← catalog ← intake/matters ← visits/assistance/casework/
network ← reports/api/public). Where a lower app shows or runs something a higher app contributes — a panel on
the workbench, an entry in the main navigation, a section or a button on the resident page, a step of the demo
data — the lower app reads a registry here and the higher app registers an entry in its AppConfig.ready(). No
list of app names is written by hand anywhere else, and no template loads another app's template tags: a
contribution is either a template of the contributing app (rendered with the page's context) or plain data.
Registries: home_panels (工作台), desk_panels (受理台), nav_entries (主导航), resident_sections and
resident_actions (居民页), demo_steps (seed_demo).

Every entry says who may see it with a `visible` callable that asks quanke.core.permissions, so a page shows a
user only what she may open. The matter hooks (intake, decision guards, written, related links) are in
quanke.core.hooks, on the same Registry.
"""

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from importlib import import_module
from typing import Any, Generic, TypeVar

T = TypeVar("T")


class Registry(Generic[T]):
    """Entries keyed by `entry.key` (registering the same key again replaces it: ready() may run twice), listed
    in `entry.order`, then key."""

    def __init__(self, kind: str):
        self.kind = kind
        self._entries: dict[str, T] = {}

    def register(self, entry: T) -> T:
        self._entries[entry.key] = entry
        return entry

    def get(self, key: str) -> T | None:
        return self._entries.get(key)

    def __iter__(self) -> Iterator[T]:
        return iter(sorted(self._entries.values(), key=lambda e: (getattr(e, "order", 0), e.key)))

    def __len__(self) -> int:
        return len(self._entries)

    def __contains__(self, key: str) -> bool:
        return key in self._entries


@dataclass(frozen=True)
class HomePanel:
    """A card on the workbench: `template` is rendered with the home page's context when `visible(user)`."""

    key: str
    template: str
    visible: Callable[[Any], bool]
    order: int = 100


@dataclass(frozen=True)
class DeskPanel:
    """A strip on the front desk (受理台) page, e.g. who is on duty now: `template` rendered when `visible(user)`."""

    key: str
    template: str
    visible: Callable[[Any], bool]
    order: int = 100


@dataclass(frozen=True)
class NavEntry:
    """A link in the main navigation to `url_name` (no arguments), shown when `visible(user)`."""

    key: str
    label: str  # a lazy translation
    url_name: str
    visible: Callable[[Any], bool]  # a quanke.core.permissions check: nobody sees a link that answers 403
    order: int = 100


@dataclass(frozen=True)
class ResidentSection:
    """A card on the resident page: `template` rendered with the page's context (`resident` among it)."""

    key: str
    template: str
    visible: Callable[[Any, Any], bool]  # (user, resident)
    order: int = 100


@dataclass(frozen=True)
class ResidentAction:
    """A button in the resident page's title: a link to `url(resident)` when `visible(user, resident)`."""

    key: str
    label: str
    url: Callable[[Any], str]
    visible: Callable[[Any, Any], bool]
    order: int = 100
    primary: bool = False
    accesskey: str = ""


@dataclass(frozen=True)
class DemoStep:
    """`seed(ctx)` of `module`, run by seed_demo after the core step, in `order` (an app after those it uses).
    The module is imported only when the demo runs: demo data needs Faker and friends, a server does not."""

    key: str
    module: str
    order: int

    def run(self, ctx) -> None:
        import_module(self.module).seed(ctx)


home_panels: Registry[HomePanel] = Registry("home panel")
desk_panels: Registry[DeskPanel] = Registry("desk panel")
nav_entries: Registry[NavEntry] = Registry("nav entry")
resident_sections: Registry[ResidentSection] = Registry("resident section")
resident_actions: Registry[ResidentAction] = Registry("resident action")
demo_steps: Registry[DemoStep] = Registry("demo step")


@dataclass
class ShownAction:
    label: str
    url: str
    primary: bool = False
    accesskey: str = ""


@dataclass
class ResidentPage:
    actions: list[ShownAction] = field(default_factory=list)
    sections: list[str] = field(default_factory=list)


def visible_home_panels(user) -> list[str]:
    return [p.template for p in home_panels if p.visible(user)]


def visible_desk_panels(user) -> list[str]:
    return [p.template for p in desk_panels if p.visible(user)]


def visible_nav(user) -> list[NavEntry]:
    return [n for n in nav_entries if n.visible(user)]


def resident_page(user, resident) -> ResidentPage:
    return ResidentPage(
        actions=[
            ShownAction(str(a.label), a.url(resident), a.primary, a.accesskey)
            for a in resident_actions
            if a.visible(user, resident)
        ],
        sections=[s.template for s in resident_sections if s.visible(user, resident)],
    )
