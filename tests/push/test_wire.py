"""On the wire: RFC 8291 encryption (Appendix A, byte for byte, through the app's send path), RFC 8292 VAPID
(the §2.4 example JWT, and the app's cached per-origin headers), and the headers and size limits every
message must respect."""
from __future__ import annotations

import asyncio
import hashlib
import hmac
import types
from concurrent.futures import ThreadPoolExecutor

import aiohttp
import http_ece
import pytest
import pywebpush
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from py_vapid import Vapid

from journal import crypto
from journal.push import sender as push_sender
from journal.push.sender import ConfigurationError, Message, Sender, VapidHeaders
from tests.push import vapid
from tests.push.fakepush import b64e
from tests.push.vapid import b64d

# RFC 8291 Appendix A, quoted exactly (base64url, no padding).
RFC8291 = {
    "plaintext": "V2hlbiBJIGdyb3cgdXAsIEkgd2FudCB0byBiZSBhIHdhdGVybWVsb24",
    "as_public": "BP4z9KsN6nGRTbVYI_c7VJSPQTBtkgcy27mlmlMoZIIgDll6e3vCYLocInmYWAmS6TlzAC8wEqKK6PBru3jl7A8",
    "as_private": "yfWPiYE-n46HLnH0KqZOF1fJJU3MYrct3AELtAQ-oRw",
    "ua_public": "BCVxsr7N_eNgVRqvHtD0zTZsEc6-VV-JvLexhqUzORcxaOzi6-AYWXvTBHm4bjyPjs7Vd8pZGH6SRpkNtoIAiw4",
    "ua_private": "q1dXpw3UpT5VOmu_cf_v6ih07Aems3njxI-JWgLcM94",
    "salt": "DGv6ra1nlYgDCS1FRnbzlw",
    "auth_secret": "BTBZMqHH6r4Tts7J_aSIgg",
    "ecdh_secret": "kyrL1jIIOHEzg3sM2ZWRHDRB62YACZhhSlknJ672kSs",
    "prk_key": "Snr3JMxaHVDXHWJn5wdC52WjpCtd2EIEGBykDcZW32k",
    "key_info": "V2ViUHVzaDogaW5mbwAEJXGyvs3942BVGq8e0PTNNmwRzr5VX4m8t7GGpTM5FzFo7OLr4BhZe9MEebhuPI-OztV3ylkYfpJGmQ22"
                "ggCLDgT-M_SrDepxkU21WCP3O1SUj0EwbZIHMtu5pZpTKGSCIA5Zent7wmC6HCJ5mFgJkuk5cwAvMBKiiujwa7t45ewP",
    "ikm": "S4lYMb_L0FxCeq0WhDx813KgSYqU26kOyzWUdsXYyrg",
    "prk": "09_eUZGrsvxChDCGRCdkLiDXrReGOEVeSCdCcPBSJSc",
    "cek_info": "Q29udGVudC1FbmNvZGluZzogYWVzMTI4Z2NtAA",
    "cek": "oIhVW04MRdy2XN9CiKLxTg",
    "nonce_info": "Q29udGVudC1FbmNvZGluZzogbm9uY2UA",
    "nonce": "4h_95klXJ5E_qnoN",
    "header": "DGv6ra1nlYgDCS1FRnbzlwAAEABBBP4z9KsN6nGRTbVYI_c7VJSPQTBtkgcy27mlmlMoZIIgDll6e3vCYLocInmYWAmS6Tlz"
              "AC8wEqKK6PBru3jl7A8",
    "padded": "V2hlbiBJIGdyb3cgdXAsIEkgd2FudCB0byBiZSBhIHdhdGVybWVsb24C",
    "ciphertext": "8pfeW0KbunFT06SuDKoJH9Ql87S1QUrdirN6GcG7sFz1y1sqLgVi1VhjVkHsUoEsbI_0LpXMuGvnzQ",
    "body": "DGv6ra1nlYgDCS1FRnbzlwAAEABBBP4z9KsN6nGRTbVYI_c7VJSPQTBtkgcy27mlmlMoZIIgDll6e3vCYLocInmYWAmS6TlzAC8wEqKK6P"
            "Bru3jl7A_yl95bQpu6cVPTpK4Mqgkf1CXztLVBSt2Ks3oZwbuwXPXLWyouBWLVWGNWQexSgSxsj_Qulcy4a-fN",
}

# RFC 8292 §2.4.
RFC8292_JWT = ("eyJ0eXAiOiJKV1QiLCJhbGciOiJFUzI1NiJ9.eyJhdWQiOiJodHRwczovL3B1c2guZXhhbXBsZS5uZXQiLCJleHAiOjE0NTM1MjM3"
               "NjgsInN1YiI6Im1haWx0bzpwdXNoQGV4YW1wbGUuY29tIn0.i3CYb7t4xfxCDquptFOepC9GAu_HLGkMlMuCGSK2rpiUfnK9ojFwDXb1Jr"
               "ErtmysazNjjvW2L9OkSSHzvoD1oA")
RFC8292_KEY = "BA1Hxzyi1RUM1b5wjxsn7nGxAszw2u61m164i3MrAIxHF6YK5h4SDYic-dRuU_RCPCfA5aq9ojSwk5Y2EmClBPs"


def _hmac(key: bytes, data: bytes) -> bytes:
    return hmac.new(key, data, hashlib.sha256).digest()


def _private(b64: str) -> ec.EllipticCurvePrivateKey:
    return ec.derive_private_key(int.from_bytes(b64d(b64), "big"), ec.SECP256R1())


def _point(key) -> bytes:
    return key.public_key().public_bytes(serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)


def _send(service_sender_args, messages):
    """Send messages with the app's Sender over one aiohttp session, as the worker does."""
    vapid_headers, kwargs = service_sender_args

    async def main():
        async with aiohttp.ClientSession() as session:
            return await Sender(session, vapid_headers, **kwargs).send_all(messages)

    # A thread of its own: the browser tests' Playwright keeps an event loop running in the main thread.
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, main()).result()


@pytest.fixture
def vapid_headers():
    return VapidHeaders(crypto.generate_vapid_private_key(), "mailto:ops@peerjournal.app")


def test_rfc8291_key_schedule_matches_every_intermediate_value():
    v = {name: b64d(value) for name, value in RFC8291.items()}
    as_key, ua_key = _private(RFC8291["as_private"]), _private(RFC8291["ua_private"])
    assert _point(as_key) == v["as_public"] and _point(ua_key) == v["ua_public"]

    ecdh = as_key.exchange(ec.ECDH(), ua_key.public_key())
    assert ecdh == v["ecdh_secret"] == ua_key.exchange(ec.ECDH(), as_key.public_key())
    prk_key = _hmac(v["auth_secret"], ecdh)
    assert prk_key == v["prk_key"]
    key_info = b"WebPush: info\x00" + v["ua_public"] + v["as_public"]
    assert key_info == v["key_info"]
    ikm = _hmac(prk_key, key_info + b"\x01")
    assert ikm == v["ikm"]
    prk = _hmac(v["salt"], ikm)
    assert prk == v["prk"]
    assert v["cek_info"] == b"Content-Encoding: aes128gcm\x00"
    cek = _hmac(prk, v["cek_info"] + b"\x01")[:16]
    assert cek == v["cek"]
    assert v["nonce_info"] == b"Content-Encoding: nonce\x00"
    nonce = _hmac(prk, v["nonce_info"] + b"\x01")[:12]
    assert nonce == v["nonce"]
    header = v["salt"] + (4096).to_bytes(4, "big") + bytes([65]) + v["as_public"]
    assert header == v["header"] and len(header) == 86
    assert v["padded"] == v["plaintext"] + b"\x02"  # one record: the last-record delimiter 0x02
    assert AESGCM(cek).encrypt(nonce, v["padded"], None) == v["ciphertext"]
    assert header + v["ciphertext"] == v["body"]
    assert len(v["body"]) == 144  # RFC 8291 §5 shows Content-Length: 145, but the body is 144 octets


def test_rfc8291_body_is_reproduced_byte_for_byte_by_the_app_send_path(monkeypatch, push_service, vapid_headers):
    """The app's Sender (pywebpush WebPusher.send_async -> http_ece) with the RFC's ephemeral key and salt."""
    salt = b64d(RFC8291["salt"])
    monkeypatch.setattr(pywebpush.ec, "generate_private_key", lambda *a, **k: _private(RFC8291["as_private"]))
    monkeypatch.setattr(http_ece, "os", types.SimpleNamespace(urandom=lambda n: salt[:n]))
    device = push_service.new_device(private_key=_private(RFC8291["ua_private"]), auth=b64d(RFC8291["auth_secret"]))
    assert device.p256dh == RFC8291["ua_public"]

    plaintext = b64d(RFC8291["plaintext"])
    [outcome] = _send((vapid_headers, {}), [Message(device.endpoint, device.p256dh, b64e(device.auth), plaintext,
                                                    ttl=60, urgency="normal", topic="checkin")])
    assert outcome.status == 201
    [received] = device.received
    assert received.body == b64d(RFC8291["body"])
    assert len(received.body) == 144
    assert received.plaintext == b"When I grow up, I want to be a watermelon"
    assert received.headers["content-encoding"] == "aes128gcm"


def test_rfc8292_example_jwt_verifies_and_tampering_does_not():
    claims = vapid.verify_jwt(RFC8292_JWT, RFC8292_KEY, audience="https://push.example.net", now=1453523768 - 3600)
    assert claims == {"aud": "https://push.example.net", "exp": 1453523768, "sub": "mailto:push@example.com"}
    with pytest.raises(vapid.VapidError):
        vapid.verify_jwt(RFC8292_JWT, RFC8292_KEY, audience="https://push.example.net", now=1453523768 + 1)
    with pytest.raises(vapid.VapidError):
        vapid.verify_jwt(RFC8292_JWT, RFC8292_KEY, audience="https://other.example.net", now=1453523768 - 3600)
    header, claims_b64, signature = RFC8292_JWT.split(".")
    forged = b64e(b'{"aud":"https://push.example.net","exp":1453523769,"sub":"mailto:push@example.com"}')
    with pytest.raises(vapid.VapidError, match="signature"):
        vapid.verify_jwt(f"{header}.{forged}.{signature}", RFC8292_KEY, now=1453523768 - 3600)


def test_vapid_header_is_signed_once_per_origin_with_the_port_in_aud(monkeypatch):
    private = crypto.generate_vapid_private_key()
    clock = [1_800_000_000.0]
    headers = VapidHeaders(private, "mailto:ops@peerjournal.app", clock=lambda: clock[0])
    signed = []
    real_sign = Vapid.sign

    def spy(self, claims, crypto_key=None):
        signed.append(claims)
        return real_sign(self, claims, crypto_key)

    monkeypatch.setattr(Vapid, "sign", spy)
    first = headers.authorization("http://127.0.0.1:8443")
    assert headers.authorization("http://127.0.0.1:8443") is first
    other = headers.authorization("https://fcm.googleapis.com")
    assert len(signed) == 2 and signed[0] is not signed[1]
    assert signed[0] == {"aud": "http://127.0.0.1:8443", "exp": 1_800_000_000 + 12 * 3600,
                         "sub": "mailto:ops@peerjournal.app"}

    claims = vapid.verify_header(first, audience="http://127.0.0.1:8443", now=clock[0])
    assert claims["k"] == crypto.vapid_public_key(private)
    assert claims["exp"] - clock[0] <= 12 * 3600
    assert vapid.verify_header(other, audience="https://fcm.googleapis.com", now=clock[0])

    clock[0] += 11.5 * 3600  # within the renewal margin: a fresh header, with a fresh claims dict
    renewed = headers.authorization("http://127.0.0.1:8443")
    assert renewed != first and len(signed) == 3 and signed[2]["exp"] == int(clock[0]) + 12 * 3600


@pytest.mark.parametrize("subject", ["mailto:x@localhost", "mailto:push@app.local", "mailto:a@b.invalid",
                                     "https://example.com", "push@peerjournal.app", ""])
def test_placeholder_or_malformed_vapid_subjects_are_refused(subject):
    with pytest.raises(ConfigurationError):
        VapidHeaders(crypto.generate_vapid_private_key(), subject)


def test_every_message_carries_ttl_urgency_topic_and_the_plaintext_cap_is_3993(push_service, vapid_headers):
    device = push_service.new_device()

    def message(size, **extra):
        return Message(device.endpoint, device.p256dh, b64e(device.auth), b"x" * size,
                       **{"ttl": 3600, "urgency": "low", "topic": "checkin", **extra})

    outcomes = _send((vapid_headers, {"concurrency": 2}), [message(3993), message(3994), message(10, topic="a" * 33),
                                                           message(10, urgency="urgent")])
    assert [o.status for o in outcomes] == [201, None, None, None]
    assert [o.error for o in outcomes[1:]] == ["payload_too_large", "invalid_message", "invalid_message"]
    [received] = device.received  # nothing else reached the push service
    assert len(received.plaintext) == 3993 and len(received.body) == 4096  # exactly one record, at the limit
    assert received.headers["ttl"] == "3600"
    assert received.headers["urgency"] == "low"
    assert received.headers["topic"] == "checkin"
    assert received.headers["authorization"].startswith("vapid t=")
    assert push_sender.MAX_PLAINTEXT == 3993
    assert not push_service.errors


def test_a_hanging_push_service_times_out(push_service, vapid_headers):
    device = push_service.new_device().answer("hang")
    [outcome] = _send((vapid_headers, {"timeout": 0.3}),
                      [Message(device.endpoint, device.p256dh, b64e(device.auth), b"{}", ttl=60)])
    assert outcome.error == "timeout" and outcome.status is None
    assert [r.answered for r in device.received] == ["hang"]
