"""Short descriptions of browsers from their User-Agent ("Chrome on Android"), to tell one's devices apart.

Only the browser family and the system are kept: no versions, no device models, nothing about the network.
"""

# First match wins: Edge, Opera and Samsung Internet also say "Chrome/", and every iOS browser says
# "Safari/", so the specific names come before the general ones.
_BROWSERS = (("Edg/", "Edge"), ("EdgA/", "Edge"), ("EdgiOS/", "Edge"), ("SamsungBrowser", "Samsung Internet"),
             ("OPR/", "Opera"), ("FxiOS/", "Firefox"), ("Firefox/", "Firefox"), ("CriOS/", "Chrome"),
             ("Chrome/", "Chrome"), ("Safari/", "Safari"))
_SYSTEMS = (("iPhone", "iPhone"), ("iPad", "iPad"), ("Android", "Android"), ("CrOS", "ChromeOS"),
            ("Mac OS X", "macOS"), ("Windows", "Windows"), ("Linux", "Linux"))


def describe(user_agent: str | None) -> str:
    """'Firefox on Android' from a User-Agent, 'Browser' when nothing is recognised."""
    ua = user_agent or ""
    browser = next((name for token, name in _BROWSERS if token in ua), "Browser")
    system = next((name for token, name in _SYSTEMS if token in ua), None)
    return f"{browser} on {system}" if system else browser
