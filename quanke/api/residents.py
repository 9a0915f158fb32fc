from django.http import HttpRequest
from ninja import Router

from quanke.api.errors import responses
from quanke.api.schemas import ResidentOut, ResidentRow, TagOut
from quanke.core import permissions
from quanke.core.dbrouter import replica_view
from quanke.registry import idnumber, selectors

router = Router(tags=["residents"])


@router.get(
    "/tags",
    response=responses(list[TagOut]),
    summary="可用于筛选的人群标签（仅列出您有权查看的标签）",
)
def tag_list(request: HttpRequest):
    permissions.require(permissions.can_view_personal_data(request.user))
    return [
        TagOut(code=t.code, name=t.name, sensitive=t.sensitive)
        for t in selectors.tags_for(actor=request.user)
    ]


@router.get(
    "/",
    response=responses(list[ResidentRow]),
    summary="查找居民（证件号和电话已脱敏）",
    description="`tag` 按人群标签筛选：无此标签或无权使用该标签时一律答复 422 `registry.unknown_tag`；"
    "按敏感标签筛选记入审计日志。",
)
@replica_view
def resident_search(request: HttpRequest, q: str = "", tag: str = "", limit: int = 20):
    permissions.require(permissions.can_view_personal_data(request.user))
    rows, _more = selectors.resident_page(
        actor=request.user, query=q, tag=tag, via="api", order=("id",), offset=0, size=max(1, min(limit, 100))
    )
    return [
        ResidentRow(
            id=r.pk,
            name=r.name,
            id_number_masked=idnumber.mask(r.id_number),
            phone_masked=idnumber.mask_phone(r.phone),
            sex=r.sex,
            age=r.age,
            unit=r.unit.name,
            address=r.household.address,
        )
        for r in rows
    ]


@router.get("/{resident_id}", response=responses(ResidentOut), summary="居民详情（记录访问日志）")
def resident_get(request: HttpRequest, resident_id: int):
    permissions.require(permissions.can_view_personal_data(request.user))
    r = selectors.resident_get_for(actor=request.user, pk=resident_id, via="api")
    tags = selectors.visible_tags(actor=request.user, resident=r)
    return ResidentOut(
        id=r.pk,
        name=r.name,
        id_number=r.id_number,
        phone=r.phone,
        sex=r.sex,
        birth_date=r.birth_date,
        age=r.age,
        unit_code=r.unit.code,
        unit=r.unit.name,
        household_number=r.household.number,
        address=r.household.address,
        hukou_kind=r.own_hukou_kind,
        hukou_local=r.hukou_local,
        hukou_type=r.household.hukou_type,
        relation=r.relation,
        lives_alone=r.lives_alone,
        monthly_income=r.monthly_income,
        disability_kind=r.disability_kind,
        disability_grade=r.disability_grade,
        tags=[t.code for t in tags],
        benefits=sorted(selectors.current_programs(r)),
    )
