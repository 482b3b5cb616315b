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


def interface(name: str) -> tuple[str, ...]:
    """The texts of a platform's interface, as whole-text patterns (see `_common`): its flow's
    labels, the setting's names, and the language data every flow shares."""
    from agent.models import any_label
    from flows._common import interface_patterns

    flow = load(name)
    own = {"name": flow.setting.name, "label": flow.setting.control_label}
    module = importlib.import_module(f"{__name__}.{name}")
    return (*interface_patterns(module.LABELS), any_label(own))
