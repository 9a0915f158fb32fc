"""Demo step after every step that accepts matters: keep the seed's on-the-spot share (quanke.matters.demo)."""

from quanke.matters.demo import top_up


def seed(ctx) -> None:
    top_up(ctx)
