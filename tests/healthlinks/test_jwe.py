"""JWE compact with "dir" + "A256GCM" (journal/crypto.py): RFC 7516 Appendix A.1's content encryption
reproduced exactly, our tokens opened by an independent reader, and anything altered refused."""
from __future__ import annotations

import json

import pytest

from journal import crypto
from tests.healthlinks.receiver import b64url_decode, decrypt

# RFC 7516 Appendix A.1 (RSAES-OAEP and AES GCM): its A256GCM step with the CEK given there is exactly
# what "dir" does with a key of its own: same header-as-AAD, IV, plaintext, ciphertext and tag.
A1_PROTECTED = "eyJhbGciOiJSU0EtT0FFUCIsImVuYyI6IkEyNTZHQ00ifQ"
A1_CEK = bytes([177, 161, 244, 128, 84, 143, 225, 115, 63, 180, 3, 255, 107, 154, 212, 246, 138, 7, 110, 91, 112,
                46, 34, 105, 47, 130, 203, 46, 122, 234, 64, 252])
A1_IV = "48V1_ALb6US04U3b"
A1_PLAINTEXT = b"The true sign of intelligence is not knowledge but imagination."
A1_CIPHERTEXT = "5eym8TW_c8SuK0ltJ3rpYIzOeDQz7TALvtu6UG9oMo4vpzs9tX_EFShS8iB7j6jiSdiwkIr3ajwQzaBtQD_A"
A1_TAG = "XFBoMYUZodetZdvTiFvSkQ"


def test_the_content_encryption_reproduces_rfc_7516_appendix_a1():
    ciphertext, tag = crypto._jwe_seal(A1_PROTECTED, A1_CEK, b64url_decode(A1_IV), A1_PLAINTEXT)
    assert (crypto.b64url(ciphertext), crypto.b64url(tag)) == (A1_CIPHERTEXT, A1_TAG)
    assert crypto._jwe_unseal(A1_PROTECTED, A1_CEK, b64url_decode(A1_IV), ciphertext, tag) == A1_PLAINTEXT


@pytest.mark.parametrize("compress", [True, False])
def test_an_independent_reader_opens_our_jwe(compress):
    key = crypto.new_link_key()
    body = json.dumps({"resourceType": "Bundle", "type": "collection", "entry": []}).encode() * 20
    token = crypto.jwe_encrypt(body, key, content_type="application/fhir+json", compress=compress)
    protected, encrypted_key, iv, _, tag = token.split(".")
    assert encrypted_key == "" and len(b64url_decode(iv)) == 12 and len(b64url_decode(tag)) == 16
    header, plaintext = decrypt(token, crypto.b64url(key))
    assert header == {"alg": "dir", "enc": "A256GCM", "cty": "application/fhir+json",
                      **({"zip": "DEF"} if compress else {})}
    assert plaintext == body
    assert crypto.jwe_decrypt(token, key) == body
    if compress:
        assert len(token) < len(body)  # DEFLATE: a bundle repeats itself a lot


def test_a_fresh_iv_every_time():
    key = crypto.new_link_key()
    assert crypto.jwe_encrypt(b"same", key) != crypto.jwe_encrypt(b"same", key)


def test_altered_or_foreign_tokens_are_refused():
    key = crypto.new_link_key()
    token = crypto.jwe_encrypt(b"hello", key)
    protected, empty, iv, ciphertext, tag = token.split(".")
    other_header = crypto.b64url(b'{"alg":"dir","enc":"A256GCM"}')
    for bad in (token.replace(tag, tag[::-1]), ".".join((other_header, empty, iv, ciphertext, tag)),
                "a.b.c", "", token + "="):
        with pytest.raises(crypto.DecryptionError):
            crypto.jwe_decrypt(bad, key)
    with pytest.raises(crypto.DecryptionError):
        crypto.jwe_decrypt(token, crypto.new_link_key())
    rsa = ".".join((A1_PROTECTED, "", A1_IV, A1_CIPHERTEXT, A1_TAG))
    with pytest.raises(crypto.DecryptionError):
        crypto.jwe_decrypt(rsa, A1_CEK)  # not "dir": refused, even with the right key
