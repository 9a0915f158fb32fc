"""Indicator definitions: the one written source of what every figure means.

Each indicator is data: a code, its Chinese name, its unit, the definition shown as the tooltip and on the
"指标说明" page, and how its value is obtained from additive counts. Counts are summed first (over days, items,
communities); ratios and averages are then taken from the summed numerator and denominator, never as an average
of averages.

Conventions that hold for every matter indicator:
- Dates are Beijing dates. A period [start, end] includes both days.
- Matters belong to the community that accepted them (受理社区), whoever handles them later; a street or
  county figure is the sum over the communities below it.
- "Flow" figures come from the roll-up tables (quanke.reports.rollup, refreshed after every matter write and
  by `manage.py refresh_stats`); "当前" figures are computed live, as of the moment the page is shown, and have
  no previous-period value.
"""

from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Indicator:
    code: str
    name: str
    unit: str
    group: str
    definition: str
    # A plain count is the count of the same name; a ratio divides two counts (percent = ×100).
    numerator: str = ""
    denominator: str = ""
    percent: bool = False
    digits: int = 0
    live: bool = False  # point-in-time: "as of now", no previous period
    key: bool = False  # shown as a headline card on the dashboard
    lower_is_better: bool = False  # a fall is good news (durations, overdue, late): colours the change green
    needs: tuple = field(default=())  # counts this indicator reads (for sources that may be absent)
    # The Matter QuerySet methods that define the matters it counts (quanke.matters.models.MatterQuerySet), in
    # the order they apply: the head's dashboard, the queues and the live figures here call the same methods,
    # and the roll-up SQL (quanke.reports.rollup) applies the same conditions.
    figure: tuple = field(default=())

    def value(self, counts: dict):
        """None when the counts do not have this figure (its app is absent)."""
        if self.denominator:
            num, den = counts.get(self.numerator), counts.get(self.denominator)
            if num is None or not den:
                return None
            ratio = Decimal(num) / Decimal(den) * (100 if self.percent else 1)
            return round(ratio, self.digits if self.digits else 1)
        value = counts.get(self.numerator or self.code)
        return value

    @property
    def counts_needed(self) -> tuple:
        return self.needs or tuple(c for c in (self.numerator or self.code, self.denominator) if c)


G_MATTERS = "办件"
G_EFFICIENCY = "办理效率"
G_ASSISTANCE = "社会救助"
G_VISITS = "走访服务"
G_CASEWORK = "个案服务"
G_NETWORK = "五社联动"
G_RATINGS = "好差评"

PERIOD_ACCEPTED = "受理时间（北京时间）在统计期内"
PERIOD_CLOSED = "办结时间（北京时间）在统计期内"

MATTER_INDICATORS = [
    Indicator(
        "received",
        "受理办件",
        "件",
        G_MATTERS,
        f"{PERIOD_ACCEPTED}的办件数，含办理与咨询，按受理社区统计（不论此后流转到哪一级办理）。",
        key=True,
        figure=("accepted_in",),
    ),
    Indicator(
        "consultations",
        "其中：咨询",
        "件",
        G_MATTERS,
        f"受理办件中类型为“咨询”的件数（{PERIOD_ACCEPTED}）。",
        figure=("accepted_in",),
    ),
    Indicator(
        "on_spot",
        "当场办结",
        "件",
        G_MATTERS,
        f"{PERIOD_ACCEPTED}、当前状态为“当场办结”的办件数（前台受理后即时办结，未流转）。",
        key=True,
        figure=("accepted_in", "on_spot"),
    ),
    Indicator(
        "routed",
        "流转办理",
        "件",
        G_MATTERS,
        f"{PERIOD_ACCEPTED}、曾流转至后台或街道、区县部门（有首次流转时间）的办件数，不论当前状态。",
        key=True,
        figure=("accepted_in",),
    ),
    Indicator(
        "on_spot_rate",
        "当场办结率",
        "%",
        G_MATTERS,
        "当场办结 ÷ 受理办件 × 100%（同一受理期间）。",
        numerator="on_spot",
        denominator="received",
        percent=True,
        key=True,
    ),
    Indicator(
        "refused",
        "不予受理",
        "件",
        G_MATTERS,
        f"{PERIOD_ACCEPTED}、当前状态为“不予受理”的办件数（如社区依规不予出具的证明）。",
        figure=("accepted_in",),
    ),
    Indicator(
        "finished",
        "流转办结",
        "件",
        G_EFFICIENCY,
        f"{PERIOD_CLOSED}、状态为“已办结”（流转后由后台或部门办结）的办件数，不论何时受理。",
        key=True,
        figure=("closed_in", "finished"),
    ),
    Indicator(
        "finished_in_time",
        "按时办结",
        "件",
        G_EFFICIENCY,
        f"流转办结中有办结期限且办结日期 ≤ 办结期限的件数（{PERIOD_CLOSED}）。",
        figure=("closed_in", "finished"),
    ),
    Indicator(
        "finished_late",
        "逾期办结",
        "件",
        G_EFFICIENCY,
        f"流转办结中有办结期限且办结日期晚于办结期限的件数（{PERIOD_CLOSED}）。",
        figure=("closed_in", "finished"),
        lower_is_better=True,
    ),
    Indicator(
        "in_time_rate",
        "按时办结率",
        "%",
        G_EFFICIENCY,
        "按时办结 ÷ 有办结期限的流转办结件数 × 100%。没有办结期限的事项（如咨询、当场办结类）不计入分母。",
        numerator="finished_in_time",
        denominator="finished_with_deadline",
        percent=True,
        key=True,
    ),
    Indicator(
        "avg_working_days",
        "平均办理时长",
        "天",
        G_EFFICIENCY,
        "流转办结件从受理日到办结日的工作日数之和 ÷ 流转办结件数。工作日按节假日与调休日历计算，受理当日不计，"
        "补正期间照常计入（反映居民实际等待）。当场办结件不计入。",
        numerator="working_days",
        denominator="finished",
        digits=1,
        key=True,
        lower_is_better=True,
    ),
    Indicator(
        "closed",
        "办结合计",
        "件",
        G_EFFICIENCY,
        f"{PERIOD_CLOSED}、状态为“当场办结”或“已办结”的办件数（跑动次数指标的分母）。",
        figure=("closed_in", "completed"),
    ),
    Indicator(
        "avg_trips",
        "件均跑动次数",
        "次",
        G_EFFICIENCY,
        "办结合计中各件跑动次数（居民到窗口的次数，电话、入户、线上受理计 0 次）之和 ÷ 办结合计。",
        numerator="trips",
        denominator="closed",
        digits=2,
        lower_is_better=True,
    ),
    Indicator(
        "one_trip_rate",
        "最多跑一次率",
        "%",
        G_EFFICIENCY,
        "办结合计中跑动次数 ≤ 1 的件数 ÷ 办结合计 × 100%。",
        numerator="one_trip",
        denominator="closed",
        percent=True,
        key=True,
    ),
    Indicator(
        "open_now",
        "在办件（当前）",
        "件",
        G_EFFICIENCY,
        "此刻尚未办结的办件数（已受理、已流转、办理中、待补正、已退回前台），按受理社区统计，不受统计期限制。",
        live=True,
        figure=("open",),
    ),
    Indicator(
        "overdue_now",
        "超期未办结（当前）",
        "件",
        G_EFFICIENCY,
        "此刻未办结、计时未暂停（不含待补正）且办结期限早于今天的办件数，不受统计期限制。",
        live=True,
        key=True,
        figure=("overdue",),
        lower_is_better=True,
    ),
]

PERIOD_NOTE = "按记录所属单位统计，街道、区县数含本级登记的记录。"

OTHER_INDICATORS = [
    Indicator(
        "visits",
        "入户走访",
        "次",
        G_VISITS,
        f"走访时间（北京时间）在统计期内的入户走访记录数。{PERIOD_NOTE}",
        key=True,
    ),
    Indicator(
        "special_visits",
        "其中：特殊群体走访",
        "次",
        G_VISITS,
        "入户走访中，走访时被走访家庭至少有一名成员带有特殊群体标签（设有走访周期的人群标签：特困、低保、残疾、"
        "三留守、困境儿童、高龄、独居等）的次数（以记录走访时的登记为准）。",
    ),
    Indicator(
        "cases_opened",
        "新开个案",
        "个",
        G_CASEWORK,
        f"开案日期在统计期内的个案数。{PERIOD_NOTE}",
    ),
    Indicator(
        "cases_closed",
        "结案个案",
        "个",
        G_CASEWORK,
        "当前状态为“已结案”且结案时间（北京时间）在统计期内的个案数。",
    ),
    Indicator(
        "cases_active",
        "在服务个案（当前）",
        "个",
        G_CASEWORK,
        "此刻状态为“服务中”或“申请结案”的个案数，不受统计期限制。",
        live=True,
    ),
    Indicator(
        "volunteer_times",
        "志愿服务人次",
        "人次",
        G_NETWORK,
        f"服务日期在统计期内的志愿服务记录条数（一名志愿者服务一次计一人次）。{PERIOD_NOTE}",
        key=True,
    ),
    Indicator(
        "volunteer_hours",
        "志愿服务时长",
        "小时",
        G_NETWORK,
        "同上志愿服务记录的时长之和。",
    ),
    Indicator(
        "organisations",
        "合作社会组织（当前）",
        "个",
        G_NETWORK,
        "此刻状态为“合作中”的登记社会组织数，按登记单位统计，不受统计期限制。",
        live=True,
    ),
    Indicator(
        "resources_raised",
        "链接资源",
        "元",
        G_NETWORK,
        "资源台账中日期在统计期内的“接收捐赠”：资金按金额，物资按折合金额（未估值的物资计 0）。",
    ),
    Indicator(
        "resources_spent",
        "资源使用",
        "元",
        G_NETWORK,
        "资源台账中日期在统计期内的“发放支出”，口径同“链接资源”。",
    ),
    Indicator(
        "activities",
        "社区活动",
        "场",
        G_NETWORK,
        f"活动日期在统计期内的活动场次。{PERIOD_NOTE}",
    ),
    Indicator(
        "activity_participants",
        "活动参与",
        "人次",
        G_NETWORK,
        "上述活动的登记参与居民数 + 参与志愿者数 + 其他参与人数之和（一人参加两场计两人次）。",
    ),
]

AS_OF = "期末（统计期最后一天；统计期未结束时为今天）"
ASSISTANCE_INDICATORS = [
    Indicator(
        "aid_applications",
        "救助申请受理",
        "件",
        G_ASSISTANCE,
        "受理日期在统计期内的社会救助申请数（低保、低保边缘、特困、临时救助、残疾人两项补贴、"
        "高龄津贴），按申请所属社区统计。",
        key=True,
    ),
    Indicator(
        "aid_proactive",
        "其中：主动发现转申请",
        "件",
        G_ASSISTANCE,
        "救助申请受理中，由主动发现线索确认后直接受理（未诉先办）的件数。",
    ),
    Indicator(
        "aid_approved",
        "审核确认",
        "件",
        G_ASSISTANCE,
        "审核确认日期在统计期内、结果为“已审核确认”的申请数，不论何时受理。",
    ),
    Indicator(
        "aid_refused",
        "不予批准",
        "件",
        G_ASSISTANCE,
        "作出决定日期在统计期内、结果为“不予批准”的申请数（均附书面理由）。",
    ),
    Indicator(
        "aid_approval_rate",
        "审批通过率",
        "%",
        G_ASSISTANCE,
        "审核确认 ÷（审核确认 + 不予批准）× 100%，同一统计期内作出决定的申请。",
        numerator="aid_approved",
        denominator="aid_decided",
        percent=True,
    ),
    Indicator(
        "aid_recipients",
        "在享人次（期末）",
        "人次",
        G_ASSISTANCE,
        f"{AS_OF}正在享受按月发放的救助或补贴的人次（一人享受两项计两人次；低保、低保边缘按户内每名成员计），"
        "按发放社区（批准时居民所属社区）统计；不含一次性的临时救助。",
        key=True,
    ),
    Indicator(
        "aid_households",
        "在享户次（期末）",
        "户次",
        G_ASSISTANCE,
        f"{AS_OF}有成员正在享受按月救助或补贴的家庭户数，按项目分别计（一户同时享受低保和高龄津贴计两户次）；"
        "不含临时救助。",
    ),
    Indicator(
        "aid_monthly_amount",
        "月发放金额（期末）",
        "元",
        G_ASSISTANCE,
        f"{AS_OF}正在享受的按月救助、补贴的月金额之和（即当月应发放资金），口径同“在享人次”。",
    ),
    Indicator(
        "aid_approved_amount",
        "新批救助金额",
        "元",
        G_ASSISTANCE,
        "审核确认日期在统计期内的申请所批准的金额之和：按月项目为批准的月金额，临时救助为一次性金额。",
    ),
    Indicator(
        "aid_temporary_amount",
        "临时救助金额",
        "元",
        G_ASSISTANCE,
        "审核确认日期在统计期内的临时救助批准金额之和（一次性发放）。",
    ),
    Indicator(
        "findings_confirmed",
        "主动发现线索确认",
        "条",
        G_ASSISTANCE,
        "处理时间（北京时间）在统计期内、经工作人员核实确认的主动发现线索数（规则测算与登记不一致，"
        "核实后属实）；排除、失效的不计。",
    ),
    Indicator(
        "findings_open_now",
        "待核实线索（当前）",
        "条",
        G_ASSISTANCE,
        "此刻尚待工作人员核实的主动发现线索数，不受统计期限制。",
        live=True,
    ),
]

# Per-programme columns of the "社会救助（按项目）" table: (count, heading, unit).
ASSISTANCE_PROGRAM_COLUMNS = (
    ("aid_applications", "申请受理", "件"),
    ("aid_approved", "审核确认", "件"),
    ("aid_refused", "不予批准", "件"),
    ("aid_households", "在享户数（期末）", "户"),
    ("aid_recipients", "在享人数（期末）", "人"),
    ("aid_monthly_amount", "月发放金额（期末）", "元"),
    ("aid_approved_amount", "新批金额", "元"),
)


def program_key(code: str, program: str) -> str:
    """The count of one programme (e.g. aid_approved@dibao); the plain code is the sum over programmes."""
    return f"{code}@{program}"


# Counts that are not stored but derived from stored ones before indicators are read.
DERIVED = {
    "finished_late": lambda c: c.get("finished_with_deadline", 0) - c.get("finished_in_time", 0),
    "aid_decided": lambda c: c.get("aid_approved", 0) + c.get("aid_refused", 0),
}

RATED_IN = "评价时间（北京时间）在统计期内"
# 政务服务“好差评” (国办发〔2019〕51号): five levels; 非常满意、满意、基本满意 count as satisfied.
RATING_INDICATORS = [
    Indicator(
        "ratings",
        "收到评价",
        "件",
        G_RATINGS,
        f"{RATED_IN}的办件评价数（每件办件最多一次），按受理社区统计。",
    ),
    Indicator(
        "satisfaction_rate",
        "满意率",
        "%",
        G_RATINGS,
        f"{RATED_IN}的评价中，评为“非常满意”“满意”或“基本满意”的比例：满意评价数 ÷ 收到评价数 × 100%。",
        numerator="ratings_satisfied",
        denominator="ratings",
        percent=True,
        key=True,
    ),
    Indicator(
        "ratings_bad",
        "差评",
        "件",
        G_RATINGS,
        f"{RATED_IN}的评价中，评为“不满意”或“非常不满意”的件数（每件差评都转站长整改并回访）。",
        lower_is_better=True,
    ),
    Indicator(
        "rectify_rate",
        "差评整改率",
        "%",
        G_RATINGS,
        f"{RATED_IN}的差评中，截至查询时已整改办结（已回访并告知居民整改结果）的比例："
        "已整改差评数 ÷ 差评数 × 100%。",
        numerator="ratings_rectified",
        denominator="ratings_bad",
        percent=True,
    ),
]

# Filled in by sources for other apps as they appear (quanke.reports.sources).
INDICATORS: list[Indicator] = (
    list(MATTER_INDICATORS) + ASSISTANCE_INDICATORS + OTHER_INDICATORS + RATING_INDICATORS
)


def register(indicators: list[Indicator]) -> None:
    known = {i.code for i in INDICATORS}
    INDICATORS.extend(i for i in indicators if i.code not in known)


def by_code() -> dict[str, Indicator]:
    return {i.code: i for i in INDICATORS}


def complete(counts: dict) -> dict:
    """The counts plus derived counts, ready for Indicator.value()."""
    out = dict(counts)
    for code, fn in DERIVED.items():
        out[code] = fn(out)
    return out


# Breakdowns (category, item, channel): which counts they show, in order.
BREAKDOWN_COLUMNS = ("received", "on_spot", "routed", "finished", "in_time_rate", "avg_working_days")

BREAKDOWN_TITLES = {
    "category": _("按事项类别"),
    "item": _("按服务事项"),
    "channel": _("按受理渠道"),
}
