"""Platform flows: one module per platform, each defining `FLOW`.

The registry is lazy (as yt-dlp's extractors are): listing names imports nothing, and a flow
module is imported only when its platform is used.
"""

from __future__ import annotations

import importlib
import pkgutil
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from agent.models import Flow

EXAMPLE = "linkedin"  # the platform that messages and help give as an example


def names() -> list[str]:
    """Every platform id, sorted, without importing any flow."""
    return sorted(m.name for m in pkgutil.iter_modules(__path__) if not m.name.startswith("_"))


def load(name: str) -> Flow:
    """The flow of one platform; raises KeyError for an unknown one."""
    if name not in names():
        raise KeyError(name)
    flow: Flow = importlib.import_module(f"{__name__}.{name}").FLOW
    return flow


def settings(name: str) -> tuple[Flow, ...]:
    """The platform's flow for each of its settings (most platforms have one)."""
    return load(name).per_setting


def of_setting(name: str, setting: str) -> Flow | None:
    """The platform's flow for one of its settings (of one object, for a per-object setting:
    "alice.example/sharing"); None for a setting it no longer has (an id in an older
    history)."""
    return load(name).of_setting(setting)


def shown(name: str, setting: str) -> str:
    """What a person sees a target called: the platform, and the setting when it has several
    ("x/personalization"), or the object for a per-object setting ("wordpress/alice.example";
    "wordpress/*" while the objects are listed)."""
    try:
        known = settings(name)
    except KeyError:  # a platform optout no longer has, in an older history
        return name
    flow = of_setting(name, setting)
    if flow is not None:
        return flow.shown
    return f"{name}/{setting}" if len(known) > 1 else name  # a setting it no longer has


def by_shown(shown_name: str) -> Flow:
    """The flow of the target a person sees called `shown_name` (see `shown`): a platform,
    one of its settings ("x/allow_xai_personalization") or one of its objects
    ("wordpress/alice.example"). KeyError for a platform it does not know, LookupError (with
    the names it knows) for a setting or an object it does not."""
    name, _, which = shown_name.partition("/")
    flow = load(name)
    if not which:
        return flow
    for each in flow.per_setting:
        if each.per_object is None and each.setting.id == which:
            return each
        if each.per_object is not None and each.per_object.is_key(which):
            return each.for_object(which)
    every = flow.per_object
    known = [f"{name}/<{every.noun}>"] if every else [shown(name, f.setting.id) for f in flow.per_setting]
    raise LookupError(f"{flow.name} has no {which!r}: name one of {', '.join(known)}.")


def named(name: str, setting: str) -> str:
    """The platform's name for people, and the setting's when it has several ("X: Grok
    Personalization"), or the object's ("WordPress.com: alice.example")."""
    flow = of_setting(name, setting)
    if flow is not None and flow.object is not None:
        return f"{flow.name}: {flow.object}"
    if flow is None or len(settings(name)) == 1:
        return load(name).name
    return f"{flow.name}: {flow.setting.name}"


def interface(name: str) -> tuple[str, ...]:
    """The texts of a platform's interface, as whole-text patterns (see `_common`): its flow's
    labels, the setting's names, and the language data every flow shares."""
    from agent.models import any_label
    from flows._common import interface_patterns

    own = {
        f"{part} {flow.setting.id}": text
        for flow in settings(name)
        for part, text in (("name", flow.setting.name), ("label", flow.setting.control_label))
    }
    module = importlib.import_module(f"{__name__}.{name}")
    return (*interface_patterns(module.LABELS), any_label(own))
