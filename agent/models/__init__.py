"""Data at the boundaries, as pydantic models: flows (what a platform module declares), sessions
(what a session file holds), results (what `--json` prints), and what a run acts on."""

from agent.models.flow import (
    Choice,
    Control,
    Flow,
    Marker,
    MoreSetting,
    PerObject,
    PlanItem,
    Setting,
    Walls,
)
from agent.models.locate import Locate, Step, any_label, css, describe_ways, link_to, role, text
from agent.models.result import Action, ErrorInfo, Result, State, exit_code
from agent.models.run import Event, Options, Target, local_origin
from agent.models.session import Cookie, OriginStorage, StorageState

__all__ = [
    "Action",
    "Choice",
    "Control",
    "Cookie",
    "ErrorInfo",
    "Event",
    "Flow",
    "Locate",
    "Marker",
    "MoreSetting",
    "Options",
    "OriginStorage",
    "PerObject",
    "PlanItem",
    "Result",
    "Setting",
    "State",
    "Step",
    "StorageState",
    "Target",
    "Walls",
    "any_label",
    "css",
    "describe_ways",
    "exit_code",
    "link_to",
    "local_origin",
    "role",
    "text",
]
