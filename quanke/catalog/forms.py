from django import forms
from django.utils.translation import gettext_lazy as _

from quanke.catalog.knowledge import DocKind
from quanke.core import limits


class SupersedeForm(forms.Form):
    """A new version of a knowledge document; fields start from the old version's values."""

    title = forms.CharField(label=_("标题"), max_length=200)
    doc_number = forms.CharField(label=_("文号"), max_length=60, required=False)
    issuer = forms.CharField(label=_("发布机关"), max_length=100, required=False)
    issued_on = forms.DateField(
        label=_("发布日期"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    effective_from = forms.DateField(label=_("生效日期"), widget=forms.DateInput(attrs={"type": "date"}))
    summary = forms.CharField(label=_("摘要"), max_length=300, required=False)
    body = forms.CharField(
        max_length=limits.CATALOG_TEXT,
        label=_("正文"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 8}),
    )
    steps = forms.CharField(
        max_length=limits.CATALOG_TEXT,
        label=_("办理步骤（每行一步）"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    organisation = forms.CharField(label=_("单位名称"), max_length=100, required=False)
    phone = forms.CharField(label=_("电话"), max_length=60, required=False)
    address = forms.CharField(label=_("地址"), max_length=200, required=False)
    service_area = forms.CharField(label=_("服务范围"), max_length=200, required=False)
    hours = forms.CharField(label=_("服务时间"), max_length=100, required=False)
    source = forms.CharField(label=_("来源"), max_length=300, required=False)

    KIND_FIELDS = {
        DocKind.POLICY: (
            "title",
            "doc_number",
            "issuer",
            "issued_on",
            "effective_from",
            "summary",
            "body",
            "source",
        ),
        DocKind.PROCEDURE: ("title", "effective_from", "summary", "steps", "source"),
        DocKind.CONTACT: (
            "title",
            "organisation",
            "phone",
            "address",
            "service_area",
            "hours",
            "effective_from",
            "body",
            "source",
        ),
        DocKind.FAQ: ("title", "effective_from", "body", "source"),
    }

    def __init__(self, *args, kind: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind = kind
        keep = self.KIND_FIELDS[DocKind(kind)]
        for name in list(self.fields):
            if name not in keep:
                del self.fields[name]
        if kind == DocKind.CONTACT:
            self.fields["phone"].required = True

    @staticmethod
    def initial_from(document) -> dict:
        initial = {f: getattr(document, f) for f in SupersedeForm.base_fields if f != "steps"}
        initial["steps"] = "\n".join(document.steps or [])
        initial["effective_from"] = None
        return initial

    def changes(self) -> dict:
        data = dict(self.cleaned_data)
        if "steps" in data:
            data["steps"] = [line.strip() for line in data["steps"].splitlines() if line.strip()]
        for name, value in list(data.items()):
            if value is None and name not in ("issued_on", "effective_from"):
                data[name] = ""
        return data
