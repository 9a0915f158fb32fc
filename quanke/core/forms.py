"""Form helpers every app's views share."""

from django.core.exceptions import ValidationError


def errors_to_form(form, exc: ValidationError) -> None:
    """Put a service's refusal onto the form: field errors beside their field (or on top when the form has no such
    field), plain messages on top."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)
