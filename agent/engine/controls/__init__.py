"""The kinds of control a setting can have, each one class: the data a flow gives and the
driver that reads and switches it off. A new kind is a new module here."""

from agent.engine.controls.base import ControlDriver, driver
from agent.engine.controls.buttons import Buttons
from agent.engine.controls.select import Select
from agent.engine.controls.switch import Switch

__all__ = ["Buttons", "ControlDriver", "Select", "Switch", "driver"]
