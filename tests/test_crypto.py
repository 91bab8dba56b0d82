"""journal/crypto.py on its own: keyring parsing, envelope encryption, associated data, tampering."""
import pytest

from journal import crypto


@pytest.fixture
def vault():
    return crypto.Vault(crypto.Keyring.generate(), b"k" * 32)


def data_key(vault, owner_id=1, key_id=10):
    wrapped = vault.new_data_key(owner_id)
    return vault.unwrap(owner_id, key_id, wrapped), wrapped


def test_round_trip_with_fresh_nonces(vault):
    key, _ = data_key(vault)
    a = key.encrypt_text("I felt low today", table="checkins", row_id="r1")
    b = key.encrypt_text("I felt low today", table="checkins", row_id="r1")
    assert a != b and b"low" not in a
    assert key.decrypt_text(a, table="checkins", row_id="r1") == "I felt low today"


@pytest.mark.parametrize("change", ["table", "row", "owner", "key_id"])
def test_ciphertext_is_bound_to_its_place(vault, change):
    key, wrapped = data_key(vault, owner_id=1, key_id=10)
    token = key.encrypt_text("canary", table="checkins", row_id="r1")
    table, row = ("symptoms", "r1") if change == "table" else ("checkins", "r2" if change == "row" else "r1")
    if change == "owner":
        key = crypto.DataKey(2, 10, vault._unwrap_raw(1, wrapped))
    if change == "key_id":
        key = crypto.DataKey(1, 11, vault._unwrap_raw(1, wrapped))
    with pytest.raises(crypto.DecryptionError):
        key.decrypt_text(token, table=table, row_id=row)


def test_tampering_is_detected(vault):
    key, _ = data_key(vault)
    token = bytearray(key.encrypt_text("canary", table="t", row_id=1))
    token[-1] ^= 1
    with pytest.raises(crypto.DecryptionError):
        key.decrypt(bytes(token), table="t", row_id=1)
    with pytest.raises(crypto.DecryptionError):
        key.decrypt(b"\x02" + bytes(token[1:]), table="t", row_id=1)
    with pytest.raises(crypto.DecryptionError):
        key.decrypt(b"", table="t", row_id=1)


def test_a_wrapped_data_key_only_unwraps_for_its_owner(vault):
    _, wrapped = data_key(vault, owner_id=1)
    with pytest.raises(crypto.DecryptionError):
        vault.unwrap(2, 10, wrapped)


def test_rotation_rewraps_the_same_data_key(vault):
    key, wrapped = data_key(vault)
    token = key.encrypt_text("still readable", table="t", row_id=1)
    rotated_vault = crypto.Vault(vault.keyring.with_new_primary(), b"k" * 32)
    rewrapped = rotated_vault.rewrap(1, wrapped)
    assert rewrapped.master_key_id == rotated_vault.keyring.primary_id != wrapped.master_key_id
    retired = crypto.Vault(rotated_vault.keyring.without(wrapped.master_key_id), b"k" * 32)
    assert retired.unwrap(1, 10, rewrapped).decrypt_text(token, table="t", row_id=1) == "still readable"
    with pytest.raises(crypto.DecryptionError):
        retired.unwrap(1, 10, wrapped)  # the old wrapping needs the retired key


def test_keyring_formats(vault):
    keyring = vault.keyring
    assert crypto.Keyring.parse(keyring.serialize()) == keyring
    env_form = ",".join(f"{k}:{crypto._b64e(v)}" for k, v in keyring.with_new_primary().keys.items())
    parsed = crypto.Keyring.parse(env_form)
    assert parsed.primary_id == env_form.split(":")[0] and len(parsed.keys) == 2
    for bad in ("", "{}", "k1:short", '{"primary": "x", "keys": {"y": "AAAA"}}', "bad id:" + "A" * 43):
        with pytest.raises(crypto.KeyringError):
            crypto.Keyring.parse(bad)
    with pytest.raises(crypto.KeyringError):
        keyring.without(keyring.primary_id)


def test_vapid_key_pair():
    private = crypto.generate_vapid_private_key()
    public = crypto._b64d(crypto.vapid_public_key(private))
    assert len(public) == 65 and public[0] == 4


def test_no_other_module_imports_cipher_primitives():
    import pathlib
    import re

    root = pathlib.Path(__file__).resolve().parents[1] / "journal"
    offenders = [str(path.relative_to(root)) for path in root.rglob("*.py")
                 if path.name != "crypto.py"
                 and re.search(r"^\s*(from|import) cryptography", path.read_text(), re.M)]
    assert offenders == []
