from tests.conftest import make_checkin

def test_flow(client, members):
    m = members.make()
    r = m.get("/checkin"); assert r.status_code == 200, r.get_data(as_text=True)
    c = make_checkin(m, note="hello")
    r = m.get("/timeline"); assert r.status_code == 200
    assert "hello" in r.get_data(as_text=True)
