"""Maximum lengths of free text, in one place: the models (validators, so model clean refuses), the forms
(derived from the model fields) and the API schemas (so the OpenAPI document states them) all read these."""

from django.core.validators import MaxLengthValidator
from django.db import models

REQUEST_TEXT = 2000  # a resident's request in her own words
NOTE = 4000  # a note, reason or result written at one step
RECORD = 10000  # an investigation or visit record, an assessment, a plan's goals
CATALOG_TEXT = 20000  # an item's description or a policy document's text, loaded from the catalogue
SHORT = 200  # a one-line entry (investigators, a waiver reason) where the model has no narrower CharField


def text_field(verbose_name, max_length: int, **kwargs) -> models.TextField:
    """A TextField whose limit model clean enforces too (Django applies a TextField's max_length to forms only)."""
    return models.TextField(
        verbose_name, max_length=max_length, validators=[MaxLengthValidator(max_length)], **kwargs
    )


def model_max_length(model, field: str) -> int:
    """A CharField's length, for the API schema that writes it (PostgreSQL refuses a longer value with a 500)."""
    return model._meta.get_field(field).max_length
