"""Builders for safety plan tests: a plan written through the edit form."""
from __future__ import annotations

CANARY = "canary-5b1d-walk-to-the-river"


def plan_form(**fields) -> dict:
    """A plan as the edit form posts it: every step, a helper and a professional with phones."""
    return {"warning_signs": f"{CANARY}\nnot sleeping", "coping": "hot shower\nplaylist",
            "distractions": "the library", "helpers-0-name": "Alex (sister)", "helpers-0-phone": "+44 7700 900123",
            "professionals-0-name": "Dr Rivera's surgery", "professionals-0-phone": "020 7946 0000",
            "environment": "Alex keeps my medicines", "reasons": "my dog", **fields}


def write_plan(client, **fields):
    response = client.post("/safety-plan/edit", plan_form(**fields))
    assert response.status_code == 302 and response.headers["Location"] == "/safety-plan", \
        response.get_data(as_text=True)
    return response
