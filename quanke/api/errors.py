"""The error answers every API operation declares: one schema, one place that says which statuses an
operation may return (so the OpenAPI document lists them all), and the code registry in its description."""

from quanke.api.schemas import ErrorOut
from quanke.core.errors import CODES

# A read: not signed in, not allowed, not found (or outside the actor's units), a parameter the schema refuses.
READ_ERRORS = {status: ErrorOut for status in (401, 403, 404, 422)}
# A write adds a body that is not JSON (400), a refused step (409) and a body over the size limit (413).
WRITE_ERRORS = {status: ErrorOut for status in (400, 401, 403, 404, 409, 413, 422)}


def responses(schema, status: int = 200, *, write: bool = False) -> dict:
    """`response=` for an operation: its success schema and every error status it may answer with."""
    return {status: schema, **(WRITE_ERRORS if write else READ_ERRORS)}


def codes_markdown() -> str:
    return "\n".join(f"- `{code}`: {text}" for code, text in CODES.items())
