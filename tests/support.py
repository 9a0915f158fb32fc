"""Helpers shared by the test modules (the test users themselves are the `cast` fixture in tests/conftest.py)."""

from tests.conftest import PASSWORD


def login(client, user):
    """Sign `user` in on the test client (replacing whoever was signed in) and return the client."""
    assert client.login(username=user.username, password=PASSWORD)
    return client
