"""Stable error codes: the one registry of the `code` every API error body carries (listed in the OpenAPI
description), and `invalid()`, which gives a service's refusal one of them.

A code is `<app>.<rule>`; a client may branch on it, so a code once published keeps its meaning. The message
beside it is for people (Chinese, translated) and may change.
"""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

CODES: dict[str, str] = {
    # Cross-cutting (HTTP level).
    "unauthenticated": _("未登录或接口令牌无效（401）。"),
    "forbidden": _("无权执行此操作（403）。"),
    "not_found": _("没有找到该记录，或无权访问（404）。"),
    "api.invalid_json": _("请求体不是合法的 JSON（400）。"),
    "api.payload_too_large": _("请求体超过大小限制（413）。"),
    "api.validation": _("请求参数不符合接口说明（类型、必填、长度等）（422）。"),
    # Matters.
    "matters.illegal_transition": _("办件当前状态不允许该操作（409）。"),
    "matters.invalid": _("办件数据不符合办理规则（422）。"),
    "matters.note_required": _("该操作须填写说明（422）。"),
    "matters.text_too_long": _("说明超过长度上限（422）。"),
    "matters.materials_missing": _("仍有材料待补交，须收取或写明免交理由（422）。"),
    "matters.bad_target": _("流转、转办或改派对象不可选（422）。"),
    "matters.item_unavailable": _("事项不存在或已停用（422）。"),
    # Social assistance.
    "assistance.illegal_transition": _("线索或申请当前环节不允许该操作（409）。"),
    "assistance.invalid": _("救助数据不符合办理规则（422）。"),
    "assistance.reason_required": _("须写明理由：线索确认或排除、不予批准、复核调整（422）。"),
    "assistance.record_required": _("须填写入户调查记录（422）。"),
    "assistance.amount_required": _("须填写月救助金额（422）。"),
    "assistance.amount_reason_required": _("审批金额与规则测算金额不一致，须写明理由（422）。"),
    "assistance.above_street_limit": _("临时救助金额超过街道审批限额，须报区县审批（422）。"),
    "assistance.publicity_not_over": _("公示期未满，不能审核确认（422）。"),
    "assistance.date_in_future": _("日期不能晚于今天（422）。"),
    "assistance.date_out_of_order": _("日期早于前一环节的日期（422）。"),
    "assistance.duplicate_application": _("该居民已有一件办理中的同类申请（422）。"),
    "assistance.unknown_program": _("救助项目未知或与来源线索不一致（422）。"),
    "assistance.finding_not_offerable": _("该线索不能据以受理申请（422）。"),
    "assistance.unknown_filter": _("筛选条件的取值未知（422）。"),
    # Home visits.
    "visits.invalid": _("预约数据不符合规则（422）。"),
    "visits.slot_taken": _("该时段已约满或不当班（422）。"),
    # Registry (resident records).
    "registry.invalid": _("居民数据不符合规则（422）。"),
    "registry.duplicate_id_number": _("身份证号已登记（422）。"),
    "registry.unknown_tag": _("没有这个人群标签，或无权按它筛选（422）。"),
    "registry.stale_version": _("记录已被他人修改，请刷新后核对再保存（409）。"),
    # Submitting once (Idempotency-Key).
    "idempotency.key_reused": _("同一 Idempotency-Key 已用于内容不同的请求（422）。"),
    "idempotency.in_progress": _("同一 Idempotency-Key 的请求仍在处理中（409）。"),
    # Other apps' rules, where no finer code is given.
    "catalog.invalid": _("事项目录查询不符合规则（422）。"),
    "intake.invalid": _("受理推荐查询不符合规则（422）。"),
    "casework.invalid": _("个案数据不符合规则（422）。"),
    "casework.stale_version": _("服务计划草稿已被他人修改，请刷新后核对再保存（409）。"),
    "reports.invalid": _("统计查询不符合规则（422），如统计期间不正确。"),
    "meals.invalid": _("助餐卡或就餐记录不符合规则（422）。"),
    "party.invalid": _("党员名册数据不符合规则（422）。"),
    # The residents' door (quanke.public): online booking.
    "public.too_many_tries": _("验证码发送或校验次数过多，请稍后再试（429）。"),
    "public.code_wrong": _("验证码不正确（422）。"),
    "public.code_expired": _("验证码已过期（422）。"),
    "public.code_used": _("验证码已使用（409）。"),
    "public.already_rated": _("该办件已评价过，每件只能评价一次（409）。"),
    "public.not_rateable": _("办件尚未办结，暂不能评价（422）。"),
    "public.rectification_closed": _("该差评整改已办结（409）。"),
    "public.invalid": _("整改或回访数据不符合规则（422）。"),
}


def invalid(code: str, message, field: str | None = None) -> ValidationError:
    """A ValidationError the pages show as before and the API answers with `code` (which must be in CODES)."""
    assert code in CODES, code
    error = ValidationError(message, code=code)
    return ValidationError({field: error}) if field else error


def code_of(exc: ValidationError, default: str) -> str:
    """The first registered code among a ValidationError's leaves (an explicit `api_code` first)."""
    explicit = getattr(exc, "api_code", None)
    if explicit in CODES:
        return explicit
    leaves = (
        [e for errors in exc.error_dict.values() for e in errors]
        if hasattr(exc, "error_dict")
        else exc.error_list
    )
    for leaf in leaves:
        if leaf.code in CODES:
            return leaf.code
    return default
