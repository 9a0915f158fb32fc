"""Demo contacts for the knowledge base: repair vendors, hospitals and departments (all fictitious numbers).

Idempotent: contacts are matched by title.
"""

from quanke.catalog.models import Document, Item

CONTACTS = [
    # title, organisation, phone, service area, hours, address, item codes
    (
        "示范区便民电工维修队",
        "示范区便民电工维修队",
        "010-66018801",
        "广内街道、清波街道全域",
        "每天 8:00–20:00",
        "广内街道核桃园路12号",
        ["CV-ELECTRIC-REPAIR", "CV-HEATER-REPAIR"],
    ),
    (
        "顺通管道疏通服务部",
        "顺通管道疏通服务部",
        "010-66018802",
        "示范区全域，24小时上门",
        "24小时",
        "清波街道柳翠井巷5号",
        ["CV-DRAIN"],
    ),
    (
        "安居开锁服务部（公安备案）",
        "安居开锁服务部",
        "010-66018803",
        "示范区全域",
        "24小时",
        "广内街道老墙根胡同3号",
        ["CV-LOCKSMITH"],
    ),
    (
        "煤改电设备售后服务热线",
        "示范区清洁能源设备售后中心",
        "400-800-6600",
        "示范区煤改电农户与平房住户",
        "采暖季每天 7:00–22:00",
        "",
        ["CV-HEATER-REPAIR", "CT-HEATING-PROOF"],
    ),
    (
        "家电维修联合服务点",
        "惠民家电维修联合服务点",
        "010-66018805",
        "广内街道、清波街道",
        "每天 9:00–18:00",
        "广内街道核桃园路20号",
        ["CV-APPLIANCE-REPAIR"],
    ),
    (
        "示范区人民医院",
        "示范区人民医院",
        "010-66019120",
        "急诊24小时；门诊预约挂号",
        "门诊 8:00–17:00",
        "示范区健康路1号",
        ["CV-DIGITAL-MEDICAL", "SA-MEDICAL", "HS-VACCINATION"],
    ),
    (
        "广内社区卫生服务中心",
        "广内社区卫生服务中心",
        "010-66018806",
        "广内街道常住居民",
        "周一至周六 8:00–17:00",
        "广内街道核桃园路8号",
        [
            "HS-FAMILY-DOCTOR",
            "HS-ELDER-CHECKUP",
            "CV-FLU-VACCINE",
            "HS-VACCINATION",
            "FP-PRECONCEPTION",
            "HS-BP-CHECK",
        ],
    ),
    (
        "示范区安定精神卫生中心",
        "示范区精神卫生中心",
        "010-66019300",
        "示范区严重精神障碍患者",
        "周一至周五 8:30–17:00",
        "示范区康宁路6号",
        ["DS-LAI-INJECTION"],
    ),
    (
        "示范区社会保险事业管理中心",
        "示范区社会保险事业管理中心",
        "010-66019400",
        "示范区参保人员",
        "工作日 9:00–17:00",
        "示范区人民路100号",
        [
            "EM-UNEMP-BENEFIT",
            "EM-SSCARD",
            "EM-SSCARD-LOSS",
            "EM-SSCARD-ACTIVATE",
            "EM-SSCARD-PIN",
            "EM-SSCARD-REISSUE",
            "EM-RESIDENT-PENSION",
            "EM-RESIDENT-PENSION-CLAIM",
            "EM-PENSION-CERTIFY",
            "EM-REMOTE-MEDICAL",
            "EM-RESIDENT-MEDICAL",
        ],
    ),
    (
        "示范区残疾人联合会",
        "示范区残疾人联合会",
        "010-66019500",
        "示范区持证残疾人及家属",
        "工作日 9:00–17:00",
        "示范区人民路88号",
        [
            "DS-CERT",
            "DS-CERT-NEW",
            "DS-CERT-RENEW",
            "DS-CERT-TRANSFER",
            "DS-CERT-REGRADE",
            "DS-ASSISTIVE",
            "DS-EMPLOYMENT",
            "DS-CHILD-REHAB",
            "DS-BARRIER-FREE",
            "DS-DAYCARE",
            "DS-TWO-SUBSIDIES",
        ],
    ),
    (
        "示范区民政局社会救助科",
        "示范区民政局社会救助科",
        "010-66019600",
        "示范区低保、特困、临时救助审核确认",
        "工作日 9:00–17:00",
        "示范区人民路66号",
        [
            "SA-DIBAO",
            "SA-DIBAO-REVIEW",
            "SA-DIBAO-CHANGE",
            "SA-LOW-INCOME",
            "SA-TEKUN",
            "SA-TEMP",
            "SA-TEMP-URGENT",
            "SA-TEMP-EXPENSE",
        ],
    ),
    (
        "广内派出所户籍窗口",
        "示范区公安分局广内派出所",
        "010-66019700",
        "广内街道户籍居民（无犯罪记录证明、户口更正等）",
        "工作日 9:00–17:00",
        "广内街道平安路2号",
        [
            "CT-REF-NO-CRIME",
            "CT-REF-HUKOU-CHANGE",
            "CT-REF-IDENTITY",
            "CT-REF-KINSHIP",
            "CT-REF-LOST-DOC",
            "CT-RESIDENCE-PERMIT",
            "CT-REF-DOG",
        ],
    ),
    (
        "示范区救助管理站",
        "示范区救助管理站",
        "010-66019800",
        "流浪乞讨、走失人员，24小时接收",
        "24小时",
        "示范区建设路15号",
        ["SA-HOMELESS-REFERRAL"],
    ),
]


def seed(ctx):
    items = {i.code: i for i in Item.objects.all()}
    created = 0
    for title, org, phone, area, hours, address, codes in CONTACTS:
        doc, new = Document.objects.get_or_create(
            kind="contact",
            title=title,
            defaults={
                "organisation": org,
                "phone": phone,
                "service_area": area,
                "hours": hours,
                "address": address,
                "source": "演示数据（电话为虚构）",
            },
        )
        if new:
            doc.items.set([items[c] for c in codes if c in items])
            created += 1
    ctx.say(f"知识库联系方式：新增 {created} 条")
