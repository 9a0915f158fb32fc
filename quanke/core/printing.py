"""Printable documents as PDF (WeasyPrint renders the same HTML template the print page shows)."""

from django.conf import settings
from django.http import HttpResponse


def pdf_response(html: str, filename: str) -> HttpResponse:
    from weasyprint import HTML  # heavy import, only when a PDF is asked for

    pdf = HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
