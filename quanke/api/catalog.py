from django.http import Http404, HttpRequest
from ninja import Router

from quanke.api.errors import responses
from quanke.api.schemas import ItemOut, MaterialOut
from quanke.catalog import selectors
from quanke.core.dbrouter import replica_view

router = Router(tags=["catalog"])


def _item_out(item) -> ItemOut:
    return ItemOut(
        code=item.code,
        name=item.name,
        category=item.category.code,
        parent=item.parent.code if item.parent_id else None,
        specialty=item.specialty,
        handling=item.handling,
        route_level=item.route_level,
        route_department=item.route_department,
        legal_limit_days=item.legal_limit_days,
        promised_limit_days=item.promised_limit_days,
        refusal_note=item.refusal_note,
        materials=[
            MaterialOut(name=m.name, form=m.form, copies=m.copies, condition=m.condition, note=m.note)
            for m in item.materials.all()
        ],
    )


@router.get("/items", response=responses(list[ItemOut]), summary="服务事项目录")
@replica_view
def item_list(request: HttpRequest, q: str = "", category: str = ""):
    items = selectors.item_search(request.user.unit, q, category, actor=request.user).prefetch_related(
        "materials"
    )
    return [_item_out(i) for i in items]


@router.get("/items/{code}", response=responses(ItemOut), summary="事项详情及材料清单")
@replica_view
def item_get(request: HttpRequest, code: str):
    item = selectors.item_detail(code, actor=request.user)
    if item is None or not item.active:
        raise Http404("item not found")
    return _item_out(item)
