"""A VAPID (RFC 8292) verifier for tests: parses `Authorization: vapid t=…, k=…` and checks the ES256 JWT."""
from __future__ import annotations

import base64
import json
import re
import time

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature

MAX_LIFETIME = 24 * 60 * 60


class VapidError(AssertionError):
    pass


def b64d(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def parse_header(authorization: str) -> tuple[str, str]:
    match = re.fullmatch(r"vapid\s+(.*)", authorization.strip(), re.IGNORECASE)
    if not match:
        raise VapidError(f"not the RFC 8292 'vapid' scheme: {authorization[:20]!r}")
    params = {}
    for part in match.group(1).split(","):
        name, _, value = part.strip().partition("=")
        params[name.strip()] = value.strip()
    if "t" not in params or "k" not in params:
        raise VapidError("the vapid header needs t= and k=")
    return params["t"], params["k"]


def verify_jwt(token: str, public_key_b64: str, *, audience: str | None = None, now: float | None = None) -> dict:
    """Verify an ES256 JWT against a base64url uncompressed P-256 key; return its claims."""
    try:
        header_b64, claims_b64, signature_b64 = token.split(".")
    except ValueError as exc:
        raise VapidError("a JWT has three parts") from exc
    header = json.loads(b64d(header_b64))
    if header.get("alg") != "ES256":
        raise VapidError(f"alg must be ES256, not {header.get('alg')!r}")
    raw_key = b64d(public_key_b64)
    if len(raw_key) != 65 or raw_key[0] != 4:
        raise VapidError("k must be an uncompressed P-256 point")
    key = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), raw_key)
    signature = b64d(signature_b64)
    if len(signature) != 64:
        raise VapidError("an ES256 signature is r||s, 64 bytes")
    der = encode_dss_signature(int.from_bytes(signature[:32], "big"), int.from_bytes(signature[32:], "big"))
    try:
        key.verify(der, f"{header_b64}.{claims_b64}".encode(), ec.ECDSA(hashes.SHA256()))
    except InvalidSignature as exc:
        raise VapidError("bad signature") from exc
    claims = json.loads(b64d(claims_b64))
    if audience is not None and claims.get("aud") != audience:
        raise VapidError(f"aud {claims.get('aud')!r} is not {audience!r}")
    exp = claims.get("exp")
    if not isinstance(exp, int):
        raise VapidError("exp must be an integer")
    now = time.time() if now is None else now
    if exp <= now:
        raise VapidError("the JWT has expired")
    if exp - now > MAX_LIFETIME:
        raise VapidError("exp is more than 24 hours ahead (RFC 8292 §2)")
    sub = claims.get("sub", "")
    if not re.match(r"^(mailto:[^@\s]+@[^@\s]+|https://\S+)$", sub):
        raise VapidError(f"sub must be a mailto: or https: contact, not {sub!r}")
    return claims


def verify_header(authorization: str, *, audience: str, now: float | None = None) -> dict:
    token, key = parse_header(authorization)
    claims = verify_jwt(token, key, audience=audience, now=now)
    return {**claims, "k": key}
