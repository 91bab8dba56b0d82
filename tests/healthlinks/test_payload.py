"""The link's payload against the specification (SMART Health Cards and Links IG STU1, "Construct a SMART
Health Link payload" and its example): base64url without padding, a 43-character key of 32 bytes, flag
letters, a label of at most 80 characters, exp in seconds, v 1, and the viewer-prefixed form."""
from __future__ import annotations

import json
import re

import pytest

from journal.extensions import utcnow
from journal.healthlinks import shlink
from tests.healthlinks.conftest import make_link
from tests.healthlinks.receiver import b64url_decode, payload_of

# The specification's example, as published (docs.smarthealthit.org/smart-health-links/spec and the IG's
# ShlPayload examples): a passcode-protected, long-term link.
SPEC_EXAMPLE = ("shlink:/eyJ1cmwiOiJodHRwczovL2Voci5leGFtcGxlLm9yZy9xci9ZOXh3a1VkdG1OOXd3b0pvTjNmZkpJaFgyVUd2Q0wxSm5"
                "sUFZOTDNrRFdNL20iLCJmbGFnIjoiTFAiLCJrZXkiOiJyeFRnWWxPYUtKUEZ0Y0VkMHFjY2VOOHdFVTRwOTRTcUF3SVdRZTZ1W"
                "DdRIiwibGFiZWwiOiJCYWNrLXRvLXNjaG9vbCBpbW11bml6YXRpb25zIGZvciBPbGl2ZXIgQnJvd24ifQ")
SPEC_FIELDS = {"url": "https://ehr.example.org/qr/Y9xwkUdtmN9wwoJoN3ffJIhX2UGvCL1JnlPVNL3kDWM/m", "flag": "LP",
               "key": "rxTgYlOaKJPFtcEd0qcceN8wEU4p94SqAwIWQe6uX7Q",
               "label": "Back-to-school immunizations for Oliver Brown"}
BASE64URL = re.compile(r"^[A-Za-z0-9_-]+$")


def test_our_reader_reads_the_specifications_example_bare_and_behind_a_viewer():
    for link in (SPEC_EXAMPLE, "https://viewer.example.org#" + SPEC_EXAMPLE):
        payload = shlink.parse(link)
        assert (payload.url, payload.flag, payload.key, payload.label) == \
            (SPEC_FIELDS["url"], "LP", SPEC_FIELDS["key"], SPEC_FIELDS["label"])


def test_our_writer_writes_the_specifications_example_byte_for_byte():
    payload = shlink.Payload(url=SPEC_FIELDS["url"], key=SPEC_FIELDS["key"], flag="LP", label=SPEC_FIELDS["label"],
                             v=None)
    assert shlink.encode(payload) == SPEC_EXAMPLE
    viewer = "https://viewer.example.org"
    assert shlink.with_viewer(SPEC_EXAMPLE, viewer) == f"{viewer}#{SPEC_EXAMPLE}"


@pytest.mark.parametrize("bad", [
    "shlink:/", "https://example.org/", SPEC_EXAMPLE + "=", SPEC_EXAMPLE.replace("eyJ1", "eyJ1+"),
    shlink.PREFIX + shlink.crypto.b64url(json.dumps({"url": "https://x", "key": "short"}).encode()),
    shlink.PREFIX + shlink.crypto.b64url(json.dumps({**SPEC_FIELDS, "flag": "PU"}).encode()),
    shlink.PREFIX + shlink.crypto.b64url(json.dumps({**SPEC_FIELDS, "flag": "X"}).encode()),
    shlink.PREFIX + shlink.crypto.b64url(json.dumps({**SPEC_FIELDS, "label": "x" * 81}).encode()),
])
def test_our_reader_refuses_what_is_not_a_link(bad):
    with pytest.raises(ValueError):
        shlink.parse(bad)


def test_a_members_link_follows_the_payload_rules(app, member):
    link = make_link(member, app, label="L" * 80, expiry_days=7)
    assert link.startswith("shlink:/")
    encoded = link[len("shlink:/"):]
    assert BASE64URL.match(encoded) and "=" not in encoded  # base64url, no padding
    payload = payload_of(link)
    assert set(payload) == {"url", "key", "exp", "label", "v"}  # no flag without a passcode
    assert len(payload["key"]) == 43 and BASE64URL.match(payload["key"]) and len(b64url_decode(payload["key"])) == 32
    assert payload["url"].startswith("http") and len(payload["url"]) <= 128
    assert len(payload["url"].rsplit("/", 1)[-1]) >= 43  # at least 256 bits of entropy in the manifest URL
    assert payload["label"] == "L" * 80 and payload["v"] == 1
    assert isinstance(payload["exp"], int) and abs(payload["exp"] - (utcnow().timestamp() + 7 * 86400)) < 120
    assert shlink.parse(link).key == payload["key"]  # and our own reader agrees
    assert payload_of(make_link(member, app, passcode="a-long-passcode"))["flag"] == "P"


def test_two_links_share_neither_key_nor_address(app, member):
    first, second = payload_of(make_link(member, app)), payload_of(make_link(member, app))
    assert first["key"] != second["key"] and first["url"] != second["url"]


@pytest.mark.parametrize("config_overrides", [{"HEALTHLINK_VIEWER_URL": "https://viewer.example.org/"}])
def test_a_configured_viewer_prefixes_the_link_and_its_qr_code(app, member):
    link = make_link(member, app)
    assert link.startswith("https://viewer.example.org/#shlink:/")
    assert payload_of(link)["key"]


@pytest.mark.parametrize("config_overrides", [{"PUBLIC_ORIGIN": "https://journal.example.org"}])
def test_the_manifest_address_is_on_the_public_origin_never_a_host_header(app, member):
    payload = payload_of(make_link(member, app))
    assert payload["url"].startswith("https://journal.example.org/shl/")


# The IG's "Example SHL Manifest 1" (Binary-shl-manifest-1), one file of each form, for its shape.
SPEC_MANIFEST = {"status": "finalized", "files": [
    {"contentType": "application/smart-health-card", "location": "https://bucket.cloud.example.org/file1?sas=M"},
    {"contentType": "application/smart-health-card", "embedded": "eyJhbGciOiJkaXIiLCJlbmMiOiJBMjU2R0NNIn0..8zH0"},
    {"contentType": "application/fhir+json;fhirVersion=4.0.1", "location": "https://bucket.cloud.example.org/file2",
     "lastUpdated": "2025-03-09T15:29:46Z"}]}


@pytest.mark.parametrize("most", [None, 0])
def test_our_manifest_has_the_shape_of_the_specifications_example(app, member, client, most):
    from tests.healthlinks.receiver import ask_manifest

    payload = payload_of(make_link(member, app))
    manifest = ask_manifest(client.http, payload, **({} if most is None else {"embeddedLengthMax": most})).get_json()
    assert set(manifest) <= set(SPEC_MANIFEST) | {"list"} and manifest["status"] == SPEC_MANIFEST["status"]
    allowed = set().union(*(f.keys() for f in SPEC_MANIFEST["files"]))
    for file in manifest["files"]:
        assert set(file) <= allowed and len({"embedded", "location"} & set(file)) == 1
        assert file["contentType"].split(";")[0] == "application/fhir+json"
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", file["lastUpdated"])
    assert ("location" in manifest["files"][0]) == (most == 0)
