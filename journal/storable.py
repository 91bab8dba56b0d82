"""Which text can be stored at all: the one rule the JSON door (jsonapi.py) and every form (forms.py) apply.

Text reaches the database as UTF-8, encrypted or not. A lone UTF-16 surrogate (legal as a JSON escape,
`"\\ud800"`) has no UTF-8 form, and PostgreSQL's text type refuses NUL; both used to fail deep in the
encryption or the database driver (a 500) instead of being refused with a message.
"""

MESSAGE = "This holds a character that cannot be stored (such as NUL or an unpaired surrogate); please retype it."


def storable(text: str) -> bool:
    """Whether `text` can be kept anywhere: valid UTF-8 with no NUL."""
    if "\x00" in text:
        return False
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True
