"""Every cipher Peer Journal uses lives here, and nowhere else.

Envelope encryption: each member has a random 256-bit data key, stored only wrapped (AES-256-GCM) by
a master key from the keyring, which lives outside the database. Health content is encrypted under the
member's data key with AES-256-GCM, a fresh 96-bit nonce per value, and associated data that binds
the ciphertext to its table, row, owner and data-key id: moved anywhere else, it fails to decrypt.

The master keyring has ids, so rotation adds a key and re-wraps data keys without touching entries.

SMART Health Links (journal/healthlinks) carry their own key: a random 256-bit key that lives only in the
link the member hands out. Their files are JWE compact serializations (RFC 7516) with "alg": "dir" and
"enc": "A256GCM" (RFC 7518 §5.3), optionally DEFLATE-compressed ("zip": "DEF"); the server keeps the
ciphertext and never the key.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import secrets
import zlib
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import orjson
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from flask import Flask, current_app

TOKEN_VERSION = 1
NONCE_BYTES = 12
KEY_BYTES = 32
_HEADER = bytes([TOKEN_VERSION])


class DecryptionError(Exception):
    """A ciphertext was tampered with, moved, or belongs to a key we no longer have."""


class KeyringError(ValueError):
    """The master keyring is missing, malformed, or cannot do what was asked."""


def _b64e(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def _b64d(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@dataclass(frozen=True)
class Keyring:
    """Master keys by id; `primary_id` wraps new data keys, the others only unwrap."""

    primary_id: str
    keys: dict[str, bytes] = field(repr=False)

    def __post_init__(self):
        if self.primary_id not in self.keys:
            raise KeyringError("the primary master key is not in the keyring")
        for key_id, key in self.keys.items():
            if len(key) != KEY_BYTES:
                raise KeyringError(f"master key {key_id!r} is not 256 bits")
            if not key_id or not all(c.isalnum() or c in "-_" for c in key_id):
                raise KeyringError(f"master key id {key_id!r} must be letters, digits, '-' or '_'")

    @classmethod
    def generate(cls) -> Keyring:
        key_id = _new_key_id()
        return cls(key_id, {key_id: AESGCM.generate_key(bit_length=256)})

    @classmethod
    def parse(cls, text: str) -> Keyring:
        """Read `{"primary": id, "keys": {id: b64}}`, or the env form `id:b64,id:b64` (first is primary)."""
        text = text.strip()
        try:
            if text.startswith("{"):
                data = json.loads(text)
                return cls(data["primary"], {k: _b64d(v) for k, v in data["keys"].items()})
            pairs = [item.split(":", 1) for item in text.split(",") if item.strip()]
            keys = {key_id.strip(): _b64d(value.strip()) for key_id, value in pairs}
            return cls(pairs[0][0].strip(), keys)
        except (KeyError, IndexError, ValueError, TypeError) as exc:
            if isinstance(exc, KeyringError):
                raise
            raise KeyringError("the master keyring could not be read") from exc

    def serialize(self) -> str:
        return json.dumps(
            {"primary": self.primary_id, "keys": {k: _b64e(v) for k, v in self.keys.items()}}, indent=2
        )

    def with_new_primary(self) -> Keyring:
        key_id = _new_key_id()
        return Keyring(key_id, {**self.keys, key_id: AESGCM.generate_key(bit_length=256)})

    def without(self, key_id: str) -> Keyring:
        if key_id == self.primary_id:
            raise KeyringError("the primary master key cannot be retired")
        if key_id not in self.keys:
            raise KeyringError(f"there is no master key {key_id!r}")
        return Keyring(self.primary_id, {k: v for k, v in self.keys.items() if k != key_id})


def _new_key_id() -> str:
    return f"mk-{datetime.now(UTC):%Y%m%d}-{secrets.token_hex(3)}"


def label(table: str, column: str | None = None) -> str:
    """The associated-data label a value is sealed under: its table, and its column when a row holds more
    than one encrypted value ("symptoms.name_ct"). Every caller builds it here, so labels never drift."""
    return table if column is None else f"{table}.{column}"


def _associated_data(*parts: object) -> bytes:
    return "|".join(["pj", "v1", *(str(p) for p in parts)]).encode()


def _seal(aead: AESGCM, plaintext: bytes, aad: bytes) -> bytes:
    nonce = os.urandom(NONCE_BYTES)
    return _HEADER + nonce + aead.encrypt(nonce, plaintext, aad)


def _open(aead: AESGCM, token: bytes, aad: bytes) -> bytes:
    if not token or token[0] != TOKEN_VERSION or len(token) < 1 + NONCE_BYTES + 16:
        raise DecryptionError("not a ciphertext this version can read")
    try:
        return aead.decrypt(token[1 : 1 + NONCE_BYTES], token[1 + NONCE_BYTES :], aad)
    except InvalidTag as exc:
        raise DecryptionError("ciphertext failed authentication") from exc


class DataKey:
    """A member's unwrapped data key: encrypts values bound to (table, row, owner, key id)."""

    __slots__ = ("owner_id", "key_id", "_aead", "_aad_suffix")

    def __init__(self, owner_id: int, key_id: int, raw: bytes):
        self.owner_id = owner_id
        self.key_id = key_id
        self._aead = AESGCM(raw)
        self._aad_suffix = f"|{owner_id}|{key_id}"

    def _aad(self, table: str, row_id: object) -> bytes:
        # The same bytes as _associated_data(table, row_id, owner_id, key_id), built with less work:
        # a page decrypts dozens of values.
        return f"pj|v1|{table}|{row_id}{self._aad_suffix}".encode()

    def encrypt(self, plaintext: bytes, *, table: str, row_id: object) -> bytes:
        """Encrypt one value for one row; a fresh random nonce every time."""
        return _seal(self._aead, plaintext, self._aad(table, row_id))

    def decrypt(self, token: bytes, *, table: str, row_id: object) -> bytes:
        """Decrypt one value, or raise DecryptionError if it was altered or belongs elsewhere."""
        return _open(self._aead, token, self._aad(table, row_id))

    def encrypt_text(self, text: str, *, table: str, row_id: object) -> bytes:
        return self.encrypt(text.encode(), table=table, row_id=row_id)

    def decrypt_text(self, token: bytes, *, table: str, row_id: object) -> str:
        return self.decrypt(token, table=table, row_id=row_id).decode()

    # orjson: a timeline page parses twenty payloads, and the standard library's json costs more than
    # the AES-GCM decryption itself. Same JSON, compact UTF-8.
    def encrypt_json(self, value: Any, *, table: str, row_id: object) -> bytes:
        return self.encrypt(orjson.dumps(value), table=table, row_id=row_id)

    def decrypt_json(self, token: bytes, *, table: str, row_id: object) -> Any:
        """Decrypt a JSON value: DecryptionError if it was altered, ValueError if it is not JSON."""
        return orjson.loads(self.decrypt(token, table=table, row_id=row_id))


@dataclass(frozen=True)
class WrappedKey:
    master_key_id: str
    wrapped: bytes


class Vault:
    """The app's keyring: makes, wraps, unwraps and re-wraps members' data keys."""

    def __init__(self, keyring: Keyring, fingerprint_key: bytes):
        self.keyring = keyring
        self._aeads = {key_id: AESGCM(key) for key_id, key in keyring.keys.items()}
        self._fingerprint_key = fingerprint_key

    def new_data_key(self, owner_id: int) -> WrappedKey:
        """A fresh random data key for a member, returned only in wrapped form."""
        return self._wrap(owner_id, AESGCM.generate_key(bit_length=256))

    def _wrap(self, owner_id: int, raw: bytes) -> WrappedKey:
        primary = self.keyring.primary_id
        aad = _associated_data("data_key", owner_id, primary)
        return WrappedKey(primary, _seal(self._aeads[primary], raw, aad))

    def _unwrap_raw(self, owner_id: int, wrapped: WrappedKey) -> bytes:
        aead = self._aeads.get(wrapped.master_key_id)
        if aead is None:
            raise DecryptionError(f"master key {wrapped.master_key_id!r} is not in the keyring")
        return _open(aead, wrapped.wrapped, _associated_data("data_key", owner_id, wrapped.master_key_id))

    def unwrap(self, owner_id: int, key_id: int, wrapped: WrappedKey) -> DataKey:
        """Unwrap a member's data key for use in this request."""
        return DataKey(owner_id, key_id, self._unwrap_raw(owner_id, wrapped))

    def rewrap(self, owner_id: int, wrapped: WrappedKey) -> WrappedKey:
        """Re-wrap a data key under the primary master key; the data key itself is unchanged."""
        return self._wrap(owner_id, self._unwrap_raw(owner_id, wrapped))

    def fingerprint(self, purpose: str, data: bytes) -> bytes:
        """A keyed hash (HMAC-SHA256) for comparing content without storing it readable."""
        return hmac.new(self._fingerprint_key, purpose.encode() + b"\0" + data, hashlib.sha256).digest()


def init_app(app: Flask) -> None:
    """Load the master keyring from config into the app; fail loudly if it is unusable."""
    keyring = Keyring.parse(app.config["MASTER_KEYS"])
    # Fingerprints need a key that is stable across master-key rotation: derive it from the secret key.
    secret = app.config["SECRET_KEY"]
    secret = secret.encode() if isinstance(secret, str) else secret
    fingerprint_key = hmac.new(secret, b"peer-journal fingerprint key", hashlib.sha256).digest()
    app.extensions["journal.vault"] = Vault(keyring, fingerprint_key)


def vault() -> Vault:
    return current_app.extensions["journal.vault"]


def random_token(nbytes: int = 32) -> str:
    """A URL-safe random secret (invitation codes, session nonces)."""
    return secrets.token_urlsafe(nbytes)


def hash_token(token: str) -> bytes:
    """Store secrets by hash only (single-use codes, session secrets): a stolen database cannot use them."""
    return hashlib.sha256(token.encode()).digest()


# --- JWE compact, "dir" + "A256GCM": the files of a SMART Health Link -----------------------------------

JWE_IV_BYTES = 12  # RFC 7518 §5.3: a 96-bit IV for AES GCM


def b64url(raw: bytes) -> str:
    """Base64url without padding (RFC 7515 §2), as JOSE and SMART Health Links write it."""
    return _b64e(raw)


def b64url_decode(text: str) -> bytes:
    """Strict base64url without padding: ValueError for anything else (padding, '+', '/', spaces)."""
    if not isinstance(text, str) or not all(c.isalnum() or c in "-_" for c in text) or len(text) % 4 == 1:
        raise ValueError("not base64url without padding")
    return _b64d(text)


def new_link_key() -> bytes:
    """A fresh random 256-bit key for one health link; it is given to the member and never stored."""
    return AESGCM.generate_key(bit_length=256)


def _jwe_seal(protected_b64: str, key: bytes, iv: bytes, plaintext: bytes) -> tuple[bytes, bytes]:
    """AES-GCM content encryption as RFC 7516 §5.1 steps 14-15: the additional data is the ASCII of the
    encoded protected header; returns (ciphertext, 128-bit tag)."""
    sealed = AESGCM(key).encrypt(iv, plaintext, protected_b64.encode("ascii"))
    return sealed[:-16], sealed[-16:]


def _jwe_unseal(protected_b64: str, key: bytes, iv: bytes, ciphertext: bytes, tag: bytes) -> bytes:
    try:
        return AESGCM(key).decrypt(iv, ciphertext + tag, protected_b64.encode("ascii"))
    except InvalidTag as exc:
        raise DecryptionError("the JWE failed authentication (wrong key, or altered)") from exc


def jwe_encrypt(plaintext: bytes, key: bytes, *, content_type: str | None = None, compress: bool = True) -> str:
    """A JWE compact serialization with "alg": "dir", "enc": "A256GCM" (and "zip": "DEF", raw DEFLATE,
    when `compress`): header..iv.ciphertext.tag, the encrypted-key part empty as `dir` requires."""
    if len(key) != KEY_BYTES:
        raise ValueError("a JWE A256GCM key is 256 bits")
    header: dict[str, str] = {"alg": "dir", "enc": "A256GCM"}
    if content_type:
        header["cty"] = content_type
    if compress:
        header["zip"] = "DEF"
        deflate = zlib.compressobj(9, zlib.DEFLATED, -15)  # raw DEFLATE (RFC 1951), no zlib header
        plaintext = deflate.compress(plaintext) + deflate.flush()
    protected = _b64e(json.dumps(header, separators=(",", ":")).encode())
    iv = os.urandom(JWE_IV_BYTES)
    ciphertext, tag = _jwe_seal(protected, key, iv, plaintext)
    return ".".join((protected, "", _b64e(iv), _b64e(ciphertext), _b64e(tag)))


def jwe_decrypt(token: str, key: bytes) -> bytes:
    """Open a "dir" + "A256GCM" JWE compact serialization made with `key`; DecryptionError otherwise."""
    try:
        protected, encrypted_key, iv, ciphertext, tag = token.split(".")
        header = json.loads(b64url_decode(protected))
        parts = b64url_decode(iv), b64url_decode(ciphertext), b64url_decode(tag)
    except (ValueError, AttributeError) as exc:
        raise DecryptionError("not a JWE compact serialization") from exc
    if not isinstance(header, dict) or header.get("alg") != "dir" or header.get("enc") != "A256GCM" \
            or encrypted_key or len(parts[0]) != JWE_IV_BYTES or len(parts[2]) != 16:
        raise DecryptionError("not a dir + A256GCM JWE")
    plaintext = _jwe_unseal(protected, key, *parts)
    if header.get("zip") == "DEF":
        try:
            plaintext = zlib.decompress(plaintext, -15)
        except zlib.error as exc:
            raise DecryptionError("the JWE's compressed content is damaged") from exc
    elif "zip" in header:
        raise DecryptionError("unknown JWE compression")
    return plaintext


def generate_vapid_private_key() -> str:
    """A new P-256 key pair for Web Push (VAPID), as the base64url raw private scalar."""
    key = ec.generate_private_key(ec.SECP256R1())
    return _b64e(key.private_numbers().private_value.to_bytes(32, "big"))


def vapid_public_key(private_key_b64: str) -> str:
    """The base64url uncompressed public point browsers pass as `applicationServerKey`."""
    scalar = int.from_bytes(_b64d(private_key_b64), "big")
    public = ec.derive_private_key(scalar, ec.SECP256R1()).public_key()
    return _b64e(public.public_bytes(serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint))


def generate_secret_key() -> str:
    return secrets.token_hex(32)
