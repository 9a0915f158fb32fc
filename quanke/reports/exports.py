"""Excel and CSV exports in the shapes civil-affairs offices use.

- 社区服务站月度工作报表: one station, one month (or any period): headline figures with the previous period,
  then matters by category, by channel and by item, workload by worker (only for those allowed to see names),
  and the definitions.
- 区县汇总表: rows = communities grouped by street with street subtotals and a grand total, columns = indicators.
- CSV of an indicator table (UTF-8 with BOM so that Excel opens the Chinese correctly).
"""

import csv
import io
from datetime import date
from decimal import Decimal

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, NamedStyle, PatternFill, Side
from openpyxl.utils import get_column_letter

from quanke.core import permissions
from quanke.reports import indicators as ind
from quanke.reports import selectors
from quanke.reports.periods import Period

TITLE = Font(size=16, bold=True)
BOLD = Font(bold=True)
HEAD_FILL = PatternFill("solid", fgColor="EEF2F6")
SUB_FILL = PatternFill("solid", fgColor="F5F7FA")
THIN = Side(style="thin", color="9AA5B1")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)


def _num(value):
    if isinstance(value, Decimal):
        return float(value)
    return value


def _period_text(period: Period) -> str:
    return f"{period.label}（{period.start:%Y-%m-%d} 至 {period.end:%Y-%m-%d}）"


def _header_block(ws, *, title: str, unit_text: str, period: Period, width: int, generated) -> int:
    ws.cell(row=1, column=1, value=title).font = TITLE
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
    ws.cell(row=1, column=1).alignment = CENTER
    ws.row_dimensions[1].height = 30
    for i, (label, text) in enumerate(
        [
            ("填报单位", unit_text),
            ("统计期间", _period_text(period)),
            ("生成时间", f"{timezone.localtime(generated):%Y-%m-%d %H:%M}"),
        ],
        start=2,
    ):
        ws.cell(row=i, column=1, value=label).font = BOLD
        ws.cell(row=i, column=2, value=text)
        ws.merge_cells(start_row=i, start_column=2, end_row=i, end_column=width)
    return 6


def _style(wb, *, head=False, bold=False, fill=False) -> str:
    """A named style registered once per workbook: setting font, fill and border cell by cell hashes the style
    objects every time, which was most of the time spent writing a report."""
    name = "qk_head" if head else f"qk_cell{'_bold' if bold else ''}{'_fill' if fill else ''}"
    if name not in wb.named_styles:
        attrs = {"font": BOLD, "fill": HEAD_FILL, "alignment": CENTER} if head else {}
        if bold:
            attrs["font"] = BOLD
        if fill:
            attrs["fill"] = SUB_FILL
        wb.add_named_style(NamedStyle(name=name, border=BOX, **attrs))
    return name


def _table(ws, row: int, headers: list[str], rows: list[list], *, bold_rows=(), fill_rows=()) -> int:
    head = _style(ws.parent, head=True)
    for c, text in enumerate(headers, start=1):
        ws.cell(row=row, column=c, value=text).style = head
    for i, values in enumerate(rows):
        style = _style(ws.parent, bold=i in bold_rows, fill=i in fill_rows)
        for c, value in enumerate(values, start=1):
            ws.cell(row=row + 1 + i, column=c, value=_num(value)).style = style
    return row + len(rows) + 2


def _section(ws, row: int, text: str) -> int:
    ws.cell(row=row, column=1, value=text).font = Font(size=12, bold=True)
    return row + 1


def _widths(ws, widths: list[int]) -> None:
    for i, w in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = w


def _definitions_sheet(wb, indicators) -> None:
    ws = wb.create_sheet("指标说明")
    _table(
        ws,
        1,
        ["指标", "单位", "口径说明"],
        [[i.name, i.unit, i.definition] for i in indicators],
    )
    _widths(ws, [18, 6, 100])


BREAKDOWN_HEAD = [
    "受理办件(件)",
    "当场办结(件)",
    "流转办理(件)",
    "流转办结(件)",
    "按时办结率(%)",
    "平均办理时长(天)",
]


def _breakdown_rows(figures: list) -> list[list]:
    codes = ind.by_code()
    return [[f.label, *[f.value(codes[c]) for c in ind.BREAKDOWN_COLUMNS]] for f in figures]


def station_monthly(*, actor, unit, period: Period, today: date, progress=lambda pct: None) -> Workbook:
    data = selectors.dashboard(actor=actor, unit=unit, period=period, today=today)
    progress(40)
    generated = timezone.now()
    wb = Workbook()
    ws = wb.active
    ws.title = "月度工作报表"
    station = unit.station_name or unit.name
    parents = "，".join(u.name for u in unit.ancestors())
    row = _header_block(
        ws,
        title=f"{station}月度工作报表",
        unit_text=f"{station}（{unit.name}{'，' + parents if parents else ''}）",
        period=period,
        width=6,
        generated=generated,
    )
    row = _section(ws, row, "一、主要指标")
    lines = []
    for r in data.indicator_rows():
        i = r["indicator"]
        lines.append([i.name, i.unit, r["value"], r["previous"], r["delta"], r["pct"]])
    row = _table(ws, row, ["指标", "单位", "本期", data.comparison_name, "增减", "增减(%)"], lines)
    total = data.total
    codes = ind.by_code()
    total_row = ["合计", *[total.value(codes[c]) for c in ind.BREAKDOWN_COLUMNS]]
    b = data.breakdowns
    for title, figures, label in (
        ("二、按事项类别", b.by_category, "类别"),
        ("三、按受理渠道", b.by_channel, "渠道"),
    ):
        row = _section(ws, row, title)
        body = _breakdown_rows(figures) + [total_row]
        row = _table(ws, row, [label, *BREAKDOWN_HEAD], body, bold_rows={len(body) - 1})
    section = iter(["四", "五", "六"])
    if data.programs:
        row = _section(ws, row, f"{next(section)}、社会救助（按项目）")
        body = [[r["label"], *r["values"]] for r in data.programs]
        heads = ["救助项目", *[f"{h}({u})" for _c, h, u in ind.ASSISTANCE_PROGRAM_COLUMNS]]
        row = _table(ws, row, heads, body, bold_rows={len(body) - 1})
    if data.workers is not None:
        row = _section(ws, row, f"{next(section)}、工作人员工作量")
        row = _table(
            ws,
            row,
            ["工作人员", "受理(件)", "其中当场办结(件)", "流转办结(件)"],
            [[w["name"], w["received"], w["on_spot"], w["finished"]] for w in data.workers],
        )
    ws.cell(
        row=row, column=1, value="注：“当前”类指标为生成时的实时数，无上期数；其余指标口径见“指标说明”表。"
    )
    _widths(ws, [26, 14, 14, 14, 14, 16, 16, 16])
    progress(70)

    items = wb.create_sheet("按服务事项")
    body = _breakdown_rows(b.by_item) + [total_row]
    _table(items, 1, ["服务事项", *BREAKDOWN_HEAD], body, bold_rows={len(body) - 1})
    _widths(items, [34, 14, 14, 14, 14, 16, 16])
    _register_sheet(wb, selectors.accepted_register(actor=actor, unit=unit, period=period))
    _definitions_sheet(wb, ind.INDICATORS)
    progress(90)
    return wb


REGISTER_FLAGS = [
    ("on_spot", "当场办结"),
    ("routed", "流转办理"),
    ("refused", "不予受理"),
    ("consultations", "咨询"),
]


def _register_sheet(wb, rows: list[dict]) -> None:
    """本期受理办件清单: one row per matter accepted in the period, so that each acceptance-side figure of the
    report can be recounted (受理办件 = the rows; the others = the rows marked 是 in their column)."""
    ws = wb.create_sheet("本期受理办件清单")
    names = bool(rows) and rows[0]["applicant"] is not None
    heads = [
        "序号",
        "受理编号",
        "受理时间",
        "受理社区",
        "服务事项",
        "受理渠道",
        *(["申请人"] if names else []),
    ]
    heads += [label for _code, label in REGISTER_FLAGS] + ["当前状态"]
    body = []
    for n, r in enumerate(rows, start=1):
        m = r["matter"]
        body.append(
            [
                n,
                m.tracking_code,
                f"{timezone.localtime(m.accepted_at):%Y-%m-%d %H:%M}",
                m.unit.name,
                m.item.name,
                m.get_channel_display(),
                *([r["applicant"]] if names else []),
                *["是" if r[code] else "" for code, _label in REGISTER_FLAGS],
                m.get_status_display(),
            ]
        )
    end = _table(ws, 1, heads, body)
    ws.cell(row=end, column=1, value=f"共 {len(body)} 件（即“受理办件”）；其余各项为该列标“是”的件数。")
    ws.freeze_panes = "A2"
    _widths(ws, [6, 18, 17, 14, 30, 9, *([10] if names else []), 9, 9, 9, 6, 10])


def summary_indicators() -> list:
    return [i for i in ind.INDICATORS]


def county_summary(*, actor, unit, period: Period, today: date, progress=lambda pct: None) -> Workbook:
    rows = selectors.summary_rows(actor=actor, unit=unit, period=period, today=today)
    progress(50)
    indicators = summary_indicators()
    wb = Workbook()
    ws = wb.active
    ws.title = "区县汇总表"
    width = 2 + len(indicators)
    row = _header_block(
        ws,
        title=f"{unit.name}社区服务站工作汇总表",
        unit_text=unit.station_name or unit.name,
        period=period,
        width=min(width, 12),
        generated=timezone.now(),
    )
    body, bold, fill = [], set(), set()
    for kind, f in rows:
        if kind == "community":
            parent = f.unit.parent.name if f.unit.parent_id else ""
            label, level = f.unit.name, parent
        elif kind == "own":  # records the street (or the county) keeps itself
            label, level = f.label, f.unit.name if f.unit.parent_id else ""
        elif kind == "subtotal":
            label, level = f"{f.unit.name} 小计", "街道小计"
        else:
            label, level = "合计", ""
        if kind != "community":
            bold.add(len(body))
            fill.add(len(body))
        body.append([label, level, *[f.value(i) for i in indicators]])
    headers = ["单位", "所属街道", *[f"{i.name}({i.unit})" for i in indicators]]
    _table(ws, row, headers, body, bold_rows=bold, fill_rows=fill)
    ws.freeze_panes = ws.cell(row=row + 1, column=3)
    _widths(ws, [18, 12, *[11] * len(indicators)])
    _definitions_sheet(wb, indicators)
    progress(90)
    return wb


def indicator_csv(*, actor, unit, period: Period, today: date) -> bytes:
    """Rows = the unit's children and the unit itself; columns = every indicator (raw values)."""
    permissions.require(permissions.can_view_unit_statistics(actor, unit))
    data = selectors.dashboard(actor=actor, unit=unit, period=period, today=today)
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(["统计期间", period.start.isoformat(), period.end.isoformat()])
    writer.writerow(["单位代码", "单位", *[f"{i.name}({i.unit})" for i in ind.INDICATORS]])
    for f in [*data.children, *([data.own] if data.own else []), data.total]:
        writer.writerow(
            [f.unit.code, f.label, *["" if (v := f.value(i)) is None else v for i in ind.INDICATORS]]
        )
    return ("\ufeff" + buf.getvalue()).encode("utf-8")
