"""The config file: a small TOML file in the user's config folder (`optout config path`), for
what a scheduled run cannot be told on its command line: where to send notifications.

    [notify]
    urls = ["ntfy://ntfy.sh/my-topic", "mailto://me:app-password@gmail.com", "desktop"]

A file that is not valid TOML, or holds a key or value optout does not know, stops the run
(exit 2) with its line: a check that silently ignored a typo would notify nobody.
"""

from __future__ import annotations

import os
import re
import tomllib
from pathlib import Path

from pydantic import BaseModel, ConfigDict, ValidationError

from agent.errors import BadInput


class Notify(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    urls: tuple[str, ...] = ()


class Config(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    notify: Notify = Notify()


def config_path() -> Path:
    """OPTOUT_CONFIG, else config.toml in the user's config folder."""
    configured = os.environ.get("OPTOUT_CONFIG")
    if configured:
        return Path(configured).expanduser().absolute()
    from platformdirs import user_config_path

    return user_config_path("optout", appauthor=False) / "config.toml"


def load_config(path: Path | None = None) -> Config:
    """The config; the defaults when there is no file."""
    path = path or config_path()
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return Config()
    except (OSError, UnicodeDecodeError) as e:
        raise BadInput(f"Cannot read the config file {path}: {e}") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        # "Invalid value (at line 3, column 3)": the line first, as an editor wants it.
        found = re.search(r"\(at line (\d+), column \d+\)", str(e))
        what = str(e)[: found.start()].strip() if found else str(e)
        line = f", line {found.group(1)}" if found else ""
        raise BadInput(f"{path}{line}: {what} (not valid TOML).") from None
    try:
        config = Config.model_validate(data)
    except ValidationError as e:
        first = e.errors()[0]
        keys = [str(key) for key in first["loc"] if isinstance(key, str)]
        raise BadInput(
            f"{path}{_line_of(text, keys)}: {'.'.join(keys)}: {first['msg']}."
        ) from None
    from agent.watch.notify import check_url

    for url in config.notify.urls:
        check_url(url, f"{path}{_line_of(text, [url])}:")
    return config


def _line_of(text: str, keys: list[str]) -> str:
    """", line N" of the last of `keys` (a key, or a value in quotes), when the text has it."""
    if not keys:
        return ""
    wanted = re.escape(keys[-1])
    pattern = re.compile(rf"^\s*(\[\s*{wanted}\s*\]|[\"']?{wanted}[\"']?\s*=)|[\"']{wanted}[\"']")
    for number, line in enumerate(text.splitlines(), start=1):
        if pattern.search(line):
            return f", line {number}"
    return ""
