"""Extension points through which a higher layer takes part in a lower layer's work.

Dependencies point one way (DESIGN.md: core ← registry ← catalog ← matters ← assistance … ← reports). When the
matters services must let assistance or reports act, they call a hook here, explicitly, at the exact place in
the service; the higher app registers its function in its AppConfig.ready(). Nothing runs implicitly on save().

- matter_written(matter): after any service writes a matter (reports refreshes its roll-ups after commit).
- intake(item code): an app that owns the procedure of a catalog item may take over the desk's intake of it
  (assistance opens the legal application procedure); its handler returns None to leave it a plain matter.
- decision_refusal(matter): an app that owns a matter's decision says why the matter may not be finished or
  refused on its own (an assistance application still in procedure).
- related(matter): links to records other apps keep about a matter, shown on the matter page.
"""

from collections.abc import Callable

_matter_written: list[Callable] = []
_intake: dict[str, Callable] = {}
_decision_guards: list[Callable] = []
_related: list[Callable] = []


def _add(registry: list, fn: Callable) -> Callable:
    if fn not in registry:  # ready() may run more than once (tests, reloads)
        registry.append(fn)
    return fn


def on_matter_written(fn: Callable) -> Callable:
    return _add(_matter_written, fn)


def matter_written(matter) -> None:
    for fn in _matter_written:
        fn(matter)


def register_intake(item_code: str, handler: Callable) -> None:
    _intake[item_code] = handler


def intake_handler(item_code: str) -> Callable | None:
    return _intake.get(item_code)


def on_decision(fn: Callable) -> Callable:
    return _add(_decision_guards, fn)


def decision_refusal(matter) -> str | None:
    for guard in _decision_guards:
        reason = guard(matter)
        if reason:
            return reason
    return None


def on_related(fn: Callable) -> Callable:
    return _add(_related, fn)


def related(matter) -> list[dict]:
    """[{label, url, note}] from every app that keeps records about this matter."""
    return [link for fn in _related for link in fn(matter)]
