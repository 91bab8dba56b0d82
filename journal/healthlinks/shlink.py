"""The `shlink:/` URI of SMART Health Links (HL7 SMART Health Cards and Links IG, STU1 1.0.0): a JSON
payload {url, key, exp, flag, label, v}, base64url-encoded without padding after `shlink:/`, optionally
behind a viewer's address and `#`. Pure functions: making a link, and reading one as a receiving app does.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass

from journal import crypto

PREFIX = "shlink:/"
LABEL_MAX = 80  # the payload's label: "SHALL NOT exceed 80 characters"
URL_MAX = 128  # the manifest URL: "SHALL NOT exceed 128 characters"
KEY_CHARS = 43  # 32 random bytes, base64url without padding
FLAGS = "LPU"  # long-term, passcode, direct file; written in this (alphabetical) order
VERSION = 1


@dataclass(frozen=True)
class Payload:
    url: str
    key: str
    exp: int | None = None
    flag: str = ""
    label: str = ""
    v: int | None = VERSION

    def as_json(self) -> dict:
        """The payload object, with the optional members only when they say something."""
        body: dict = {"url": self.url}
        if self.flag:
            body["flag"] = self.flag
        body["key"] = self.key  # after flag, as in the specification's example: the same link, byte for byte
        if self.exp is not None:
            body["exp"] = self.exp
        if self.label:
            body["label"] = self.label
        if self.v is not None:
            body["v"] = self.v
        return body


def make(*, url: str, key: bytes, exp: int | None, passcode: bool, label: str) -> Payload:
    """The payload of a link to a manifest at `url`; a passcode sets flag P."""
    if len(url) > URL_MAX:
        raise ValueError("the manifest URL is longer than SMART Health Links allow")
    if len(key) != 32:
        raise ValueError("a SMART Health Link key is 32 bytes")
    return Payload(url=url, key=crypto.b64url(key), exp=exp, flag="P" if passcode else "",
                   label=label[:LABEL_MAX])


def encode(payload: Payload) -> str:
    """`shlink:/` and the payload's JSON as base64url without padding."""
    text = json.dumps(payload.as_json(), separators=(",", ":"), ensure_ascii=False)
    return PREFIX + crypto.b64url(text.encode())


def with_viewer(link: str, viewer_url: str) -> str:
    """The link behind a viewer's address (`https://viewer.example/#shlink:/…`), so a phone camera opens a
    web viewer; an SHL-aware app still finds the `shlink:/` after the `#`."""
    return f"{viewer_url.split('#', 1)[0]}#{link}" if viewer_url else link


_SHLINK = re.compile(r"(?:^|#)shlink:/([A-Za-z0-9_-]+)$")


def parse(text: str) -> Payload:
    """Read a link (bare, or behind a viewer's `#`) as a receiving app does; ValueError if it is not one."""
    match = _SHLINK.search(text.strip())
    if not match:
        raise ValueError("not a shlink:/ URI")
    data = json.loads(crypto.b64url_decode(match.group(1)))
    if not isinstance(data, dict) or not isinstance(data.get("url"), str) or not isinstance(data.get("key"), str):
        raise ValueError("a SMART Health Link payload needs url and key")
    if len(data["key"]) != KEY_CHARS or len(crypto.b64url_decode(data["key"])) != 32:
        raise ValueError("the key is not 32 bytes as 43 base64url characters")
    flag = data.get("flag", "")
    if not isinstance(flag, str) or any(c not in FLAGS for c in flag) or "".join(sorted(set(flag))) != flag \
            or ("P" in flag and "U" in flag):
        raise ValueError("unknown or contradictory flags")
    label = data.get("label", "")
    if not isinstance(label, str) or len(label) > LABEL_MAX:
        raise ValueError("the label is longer than 80 characters")
    exp = data.get("exp")
    if exp is not None and (isinstance(exp, bool) or not isinstance(exp, int | float)):
        raise ValueError("exp is not a number of seconds")
    return Payload(url=data["url"], key=data["key"], exp=exp, flag=flag, label=label, v=data.get("v"))
