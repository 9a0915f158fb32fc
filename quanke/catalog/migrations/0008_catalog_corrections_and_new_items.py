"""Catalog corrections and new items for catalogs installed before them (issue 15).

A fresh install already has all of this from 0003 (which reads the current default catalog); here an older
install is brought up to date. Items carry no record of which texts a station changed, so every change is
compare-and-set: a field, or a material row, is changed only while it still holds the shipped old value. A
station's own wording stays, and the migration says so in its output. The data is frozen below, not read from
the YAML, so that a later edit of the YAML cannot change what this migration did.

- SA-DIBAO, SA-DIBAO-REVIEW, SA-LOW-INCOME: no income certificate (收入由民政部门依授权核对; the guidance in
  CT-REF-INCOME and knowledge.yaml), a signed declaration instead.
- SA-TEKUN: the limit covers the whole procedure (民发〔2021〕43号: 15 + 公示7天 + 15 = 37 working days at most).
- SA-EDUCATION: applied for at the school (社会救助暂行办法 第三十六条), not the county education bureau.
- New: CV-URGENT-HELP (urgent), CV-CHILD-CARE, HS-CORRECTION-REPORT (sensitive, 社区矫正 specialty).
"""

from django.db import migrations
from django.db.models import F

MATERIAL_FIELDS = ("name", "form", "copies", "condition", "on_file", "note")

CORRECTIONS = {
    "SA-DIBAO": {
        "fields": {},
        "old_materials": [
            ("最低生活保障申请审批表", "form", 1, "always", "", "由申请人签字，可由社工协助填写"),
            ("家庭经济状况核对授权书", "form", 1, "always", "", "共同生活的成年家庭成员均须签字"),
            ("居民身份证", "original_and_copy", 1, "always", "id_card", "共同生活家庭成员各1份"),
            ("户口簿", "original_and_copy", 1, "always", "hukou_book", "复印首页及全部成员页"),
            ("家庭成员收入证明", "original", 1, "always", "income_proof", "无固定收入的可填写收入情况声明"),
            ("家庭成员近期一寸免冠照片", "original", 1, "always", "photo_1inch", "每人1张"),
            ("残疾人证", "original_and_copy", 1, "disabled", "disability_cert", ""),
            ("医疗诊断证明及医疗费用票据", "copy", 1, "always", "", "有重病成员时提供"),
            ("银行卡（存折）", "copy", 1, "always", "bank_card", "须为申请人本人名下账户"),
        ],
        "new_materials": [
            ("最低生活保障申请审批表", "form", 1, "always", "", "由申请人签字，可由社工协助填写"),
            ("家庭经济状况核对授权书", "form", 1, "always", "", "共同生活的成年家庭成员均须签字"),
            ("居民身份证", "original_and_copy", 1, "always", "id_card", "共同生活家庭成员各1份"),
            ("户口簿", "original_and_copy", 1, "always", "hukou_book", "复印首页及全部成员页"),
            (
                "家庭收入和财产状况申报（承诺书）",
                "form",
                1,
                "always",
                "",
                "如实填写共同生活家庭成员的收入和财产并签字承诺；收入由民政部门依授权核对，无需另开收入证明",
            ),
            ("家庭成员近期一寸免冠照片", "original", 1, "always", "photo_1inch", "每人1张"),
            ("残疾人证", "original_and_copy", 1, "disabled", "disability_cert", ""),
            ("医疗诊断证明及医疗费用票据", "copy", 1, "always", "", "有重病成员时提供"),
            ("银行卡（存折）", "copy", 1, "always", "bank_card", "须为申请人本人名下账户"),
        ],
    },
    "SA-DIBAO-REVIEW": {
        "fields": {},
        "old_materials": [
            ("低保家庭复核登记表", "form", 1, "always", "", ""),
            ("家庭经济状况核对授权书", "form", 1, "always", "", "成年家庭成员均须签字"),
            ("居民身份证", "original", 1, "always", "id_card", ""),
            ("户口簿", "original", 1, "always", "hukou_book", ""),
            ("家庭成员收入证明", "original", 1, "always", "income_proof", "收入无变化的可填写声明"),
        ],
        "new_materials": [
            ("低保家庭复核登记表", "form", 1, "always", "", ""),
            ("家庭经济状况核对授权书", "form", 1, "always", "", "成年家庭成员均须签字"),
            ("居民身份证", "original", 1, "always", "id_card", ""),
            ("户口簿", "original", 1, "always", "hukou_book", ""),
            (
                "家庭收入和财产状况申报（承诺书）",
                "form",
                1,
                "always",
                "",
                "如实申报收入和财产变化并签字承诺；收入由民政部门依授权核对，无需另开收入证明",
            ),
        ],
    },
    "SA-LOW-INCOME": {
        "fields": {},
        "old_materials": [
            ("低保边缘家庭认定申请表", "form", 1, "always", "", ""),
            ("家庭经济状况核对授权书", "form", 1, "always", "", "成年家庭成员均须签字"),
            ("居民身份证", "original_and_copy", 1, "always", "id_card", ""),
            ("户口簿", "original_and_copy", 1, "always", "hukou_book", ""),
            ("家庭成员收入证明", "original", 1, "always", "income_proof", ""),
            ("残疾人证", "copy", 1, "disabled", "disability_cert", ""),
        ],
        "new_materials": [
            ("低保边缘家庭认定申请表", "form", 1, "always", "", ""),
            ("家庭经济状况核对授权书", "form", 1, "always", "", "成年家庭成员均须签字"),
            ("居民身份证", "original_and_copy", 1, "always", "id_card", ""),
            ("户口簿", "original_and_copy", 1, "always", "hukou_book", ""),
            (
                "家庭收入和财产状况申报（承诺书）",
                "form",
                1,
                "always",
                "",
                "如实填写并签字承诺；收入由民政部门依授权核对，无需另开收入证明",
            ),
            ("残疾人证", "copy", 1, "disabled", "disability_cert", ""),
        ],
    },
    "SA-TEKUN": {
        "fields": {
            "description": (
                "对无劳动能力、无生活来源且无法定赡养抚养扶养义务人（或义务人无履行能力）的老年人、残疾人和未成年人认定为特困人员，给予基本生活和照料护理供养，自批准次月起发放。",
                "对无劳动能力、无生活来源且无法定赡养抚养扶养义务人（或义务人无履行能力）的老年人、残疾人和未成年人认定为特困人员，给予基本生活和照料护理供养，自确认次月起发放。全程时限：乡镇（街道）自受理起15个工作日内调查核实并提出初审意见，在村（社区）公示7天（未成年人不公示），县级民政部门15个工作日内审核确认；不予确认的3个工作日内书面告知理由。公示7天按最多7个工作日计，合计不超过37个工作日。",
            ),
            "legal_basis": (
                "《社会救助暂行办法》（国务院令第649号）第十四条；《特困人员认定办法》（民发〔2021〕43号）",
                "《社会救助暂行办法》（国务院令第649号）第十四条至第十六条；《特困人员认定办法》（民发〔2021〕43号）第十二条至第十六条",
            ),
            "legal_limit_days": (15, 37),
            "promised_limit_days": (15, 37),
        },
        "old_materials": [
            ("特困人员救助供养申请审批表", "form", 1, "always", "", ""),
            ("家庭经济状况核对授权书", "form", 1, "always", "", ""),
            ("居民身份证", "copy", 1, "always", "id_card", ""),
            ("户口簿", "original_and_copy", 1, "always", "hukou_book", ""),
            ("残疾人证", "copy", 1, "disabled", "disability_cert", ""),
            ("赡养（抚养、扶养）义务人无履行能力的证明材料", "copy", 1, "always", "", "无义务人的免交"),
            ("入户调查表", "form", 1, "always", "", "由街道工作人员入户时填写"),
            ("一寸免冠照片", "original", 2, "always", "photo_1inch", ""),
        ],
        "new_materials": [
            ("特困人员救助供养申请审批表", "form", 1, "always", "", ""),
            ("家庭经济状况核对授权书", "form", 1, "always", "", ""),
            ("居民身份证", "copy", 1, "always", "id_card", ""),
            ("户口簿", "original_and_copy", 1, "always", "hukou_book", ""),
            ("残疾人证", "copy", 1, "disabled", "disability_cert", ""),
            ("赡养（抚养、扶养）义务人无履行能力的证明材料", "copy", 1, "always", "", "无义务人的免交"),
            ("入户调查表", "form", 1, "always", "", "由街道工作人员入户时填写"),
            ("一寸免冠照片", "original", 2, "always", "photo_1inch", ""),
        ],
    },
    "SA-EDUCATION": {
        "fields": {
            "description": (
                "对困难家庭在校学生按教育阶段给予学费减免、生活费补助或助学金等救助，社区协助告知政策和收集材料，由教育部门审核发放。",
                "对困难家庭在校学生按教育阶段给予减免相关费用、发放助学金、给予生活补助、安排勤工助学等救助。教育救助由学生（或监护人）向就读学校提出申请，经学校按规定程序审核、确认后由学校实施；社区告知政策、协助准备材料，不代为向教育部门申报。",
            ),
            "eligibility": (
                "在义务教育、高中阶段或高等教育阶段就读的低保家庭成员、特困人员及其他符合规定的困难家庭学生",
                "在义务教育阶段就读的低保家庭成员、特困供养人员；在高中教育（含中等职业教育）、普通高等教育阶段就读的低保家庭成员、特困供养人员及不能入学接受义务教育的残疾儿童等按规定给予适当救助",
            ),
            "legal_basis": (
                "《社会救助暂行办法》（国务院令第649号）第三十三条",
                "《社会救助暂行办法》（国务院令第649号）第三十三条、第三十四条、第三十六条（申请教育救助，应当按照国家有关规定向就读学校提出）",
            ),
            "promised_limit_days": (20, None),
            "route_level": ("county", "external"),
            "route_department": ("区教育局学生资助管理中心", "学生就读学校（学生资助工作部门）"),
            "keywords": (
                ["助学金", "学生资助", "困难学生救助"],
                ["助学金", "学生资助", "困难学生救助", "学费减免"],
            ),
        },
        "old_materials": [
            ("教育救助申请表", "form", 1, "always", "", ""),
            ("学生居民身份证或户口簿", "copy", 1, "always", "hukou_book", ""),
            ("学生证或在校证明", "copy", 1, "always", "", "由学校出具"),
            ("录取通知书", "copy", 1, "always", "", "新生提供"),
            ("低保证或特困人员救助供养证", "copy", 1, "has_dibao", "", "系统可核验的免交"),
        ],
        "new_materials": [
            ("学生资助（教育救助）申请表", "other", 1, "always", "", "由就读学校提供，向学校提交"),
            ("学生居民身份证或户口簿", "copy", 1, "always", "hukou_book", ""),
            ("低保证或特困人员救助供养证", "copy", 1, "has_dibao", "", "学校可通过民政部门核验的免交"),
        ],
    },
}

NEW_ITEMS = [
    {
        "code": "CV-URGENT-HELP",
        "name": "走失老人及紧急求助",
        "category": "convenience",
        "specialty": "general",
        "description": "居民报告老人（含认知障碍老人）、未成年人走失，或独居老人等遇突发疾病、被困、断水断电取暖等危及人身安全的紧急情况。受理即通知当班值班社工；危及生命或人身安全的，先拨打110、120并告知来电人，再由值班社工联系家属、网格员、物业和监控查看，发现走失者后按规定联系救助管理站接送。不需任何书面材料即可受理，不得因材料耽误。",
        "eligibility": "辖区居民及其家属、邻居、过路群众均可报告",
        "legal_basis": "《中华人民共和国城市居民委员会组织法》第三条（协助维护社会治安、办理公共事务）；《中华人民共和国人民警察法》第二十一条（公民处于危难情形，人民警察应当立即救助）；《城市生活无着的流浪乞讨人员救助管理办法》（国务院令第381号）",
        "legal_limit_days": None,
        "promised_limit_days": 1,
        "handling": "routed",
        "route_level": "community",
        "route_department": "当班值班社工",
        "refusal_note": "",
        "keywords": [
            "走失老人",
            "老人走丢",
            "找不到人",
            "紧急求助",
            "独居老人联系不上",
            "认知障碍走失",
            "孩子走失",
        ],
        "sensitive": False,
        "urgent": True,
        "after": "CT-REF-LOST-DOC",
        "materials": [],
    },
    {
        "code": "CV-CHILD-CARE",
        "name": "寒暑假儿童托管及“四点半课堂”报名",
        "category": "convenience",
        "specialty": "general",
        "description": "为双职工、困难家庭等家长放学后或寒暑假无人看护的中小学生登记报名社区“四点半课堂”、寒暑假托管班，提供看护、作业辅导和文体活动，以公益或普惠为主；名额、时段和收费（如有）以当期公告为准，留守、困境儿童和低保家庭子女优先。当场登记，名额满时登记候补并告知。",
        "eligibility": "居住在本社区的小学生（部分站点含初中生），由监护人报名",
        "legal_basis": "《中华人民共和国未成年人保护法》（2020年修订）第四十三条（居民委员会设专人专岗做好未成年人保护、关爱帮扶）；《教育部办公厅关于支持探索开展暑期托管服务的通知》（教基厅函〔2021〕32号）",
        "legal_limit_days": None,
        "promised_limit_days": 0,
        "handling": "on_spot",
        "route_level": "",
        "route_department": "",
        "refusal_note": "",
        "keywords": [
            "四点半课堂",
            "暑假托管",
            "寒假托管",
            "放学托管",
            "孩子没人看",
            "暑期托管班",
            "课后托管",
        ],
        "sensitive": False,
        "urgent": False,
        "after": "CV-URGENT-HELP",
        "materials": [
            ("托管报名登记表", "form", 1, "always", "", "写明在读学校、年级、托管时段和接送人，监护人签字"),
            ("监护人居民身份证", "original", 1, "always", "id_card", "核对后退还"),
            ("儿童户口簿或居民身份证", "copy", 1, "always", "hukou_book", ""),
            ("儿童健康情况及过敏史告知书", "form", 1, "always", "", "监护人如实填写并签字"),
            ("接送人授权书", "form", 1, "always", "", "由监护人以外的人接送时提供"),
            (
                "低保证、特困证或困境儿童认定材料",
                "copy",
                1,
                "has_dibao",
                "",
                "申请优先名额时提供，系统可核验的免交",
            ),
        ],
    },
    {
        "code": "HS-CORRECTION-REPORT",
        "name": "社区矫正对象报到",
        "category": "public",
        "specialty": "correction",
        "description": "被判处管制、宣告缓刑、裁定假释的社区矫正对象，应自判决、裁定生效之日起十日内到执行地社区矫正机构报到。来站的，由社区矫正专岗社工一对一接待，核对身份后当日联系街道司法所（受县级社区矫正机构委托）办理接收，告知报到地点和期限，并协助组建矫正小组。信息严格保密，前台不登记、不公开。",
        "eligibility": "执行地在本社区的管制、缓刑、假释社区矫正对象（暂予监外执行的由看守所、监狱等移送，不需本人报到）",
        "legal_basis": "《中华人民共和国社区矫正法》（2019年12月28日通过，2020年7月1日起施行）第二条、第九条、第十二条、第二十一条、第二十二条；《中华人民共和国社区矫正法实施办法》（司发通〔2020〕59号）",
        "legal_limit_days": None,
        "promised_limit_days": 1,
        "handling": "routed",
        "route_level": "street",
        "route_department": "街道司法所",
        "refusal_note": "",
        "keywords": ["社区矫正报到", "缓刑报到", "假释报到", "管制报到", "司法所报到"],
        "sensitive": True,
        "urgent": False,
        "after": "HS-REHAB-KIT",
        "materials": [
            ("居民身份证", "original", 1, "always", "id_card", "核对身份后退还"),
            (
                "判决书、裁定书（或假释裁定书）",
                "copy",
                1,
                "always",
                "",
                "法律文书由决定机关送达社区矫正机构，本人持有的带来核对",
            ),
            ("社区矫正告知书或执行通知书", "original", 1, "always", "", "决定机关交本人的，带来核对"),
            ("户口簿", "copy", 1, "always", "hukou_book", "核实执行地（居住地）"),
        ],
    },
]


def _row(material) -> tuple:
    return tuple(getattr(material, f) for f in MATERIAL_FIELDS)


def _create_material(Material, item, values, order):  # noqa: N803
    Material.objects.create(item=item, order=order, **dict(zip(MATERIAL_FIELDS, values, strict=True)))


def _correct_materials(Material, item, old_rows, new_rows) -> list[str]:  # noqa: N803
    """Row by row, by name: delete, change or add only where the row is as shipped (or absent, for an add)."""
    kept = []
    current = {m.name: m for m in Material.objects.filter(item=item)}
    old_by_name = {r[0]: r for r in old_rows}
    new_by_name = {r[0]: r for r in new_rows}
    for name, old in old_by_name.items():
        m = current.get(name)
        if m is None or _row(m) == new_by_name.get(name):
            continue  # absent, or already as shipped now (a fresh install: 0003 loaded the current catalog)
        if _row(m) != old:
            kept.append(name)
            continue
        if name in new_by_name:
            for field, value in zip(MATERIAL_FIELDS, new_by_name[name], strict=True):
                setattr(m, field, value)
            m.save()
        else:
            m.delete()
    names = set(Material.objects.filter(item=item).values_list("name", flat=True))
    for order, new in enumerate(new_rows):
        if new[0] not in names:
            _create_material(Material, item, new, order)
    # The shipped order where the list is the shipped one; a station's own list keeps its order.
    if sorted(names | {r[0] for r in new_rows}) == sorted(new_by_name):
        for order, new in enumerate(new_rows):
            Material.objects.filter(item=item, name=new[0]).update(order=order)
    return kept


def _refresh_procedure(apps, item) -> None:
    from quanke.catalog.knowledge_seed import procedure_steps

    Document = apps.get_model("catalog", "Document")  # noqa: N806
    Material = apps.get_model("catalog", "Material")  # noqa: N806
    materials = list(Material.objects.filter(item=item).order_by("order", "id"))
    doc, _ = Document.objects.update_or_create(
        kind="procedure",
        title=f"{item.name}办理流程",
        defaults={"steps": procedure_steps(item, materials), "summary": item.description[:300]},
    )
    doc.items.set([item])


def forwards(apps, schema_editor):
    Category = apps.get_model("catalog", "Category")  # noqa: N806
    Item = apps.get_model("catalog", "Item")  # noqa: N806
    Material = apps.get_model("catalog", "Material")  # noqa: N806
    if not Item.objects.exists():
        return  # no catalog installed (0003 loads one on every install; nothing to correct)
    kept = []
    for code, change in CORRECTIONS.items():
        item = Item.objects.filter(code=code).first()
        if item is None:
            continue
        for field, (old, new) in change["fields"].items():
            if getattr(item, field) == new:
                continue
            if getattr(item, field) != old:
                kept.append(f"{code}.{field}")
                continue
            setattr(item, field, new)
        # The model's check: a promise within the legal limit. A station's own promise above the new legal limit
        # cannot stand; one below it stays.
        if (
            item.legal_limit_days is not None
            and item.promised_limit_days is not None
            and item.promised_limit_days > item.legal_limit_days
        ):
            item.promised_limit_days = item.legal_limit_days
        item.save()
        kept += [
            f"{code} 材料“{n}”"
            for n in _correct_materials(Material, item, change["old_materials"], change["new_materials"])
        ]
        _refresh_procedure(apps, item)
    for row in NEW_ITEMS:
        row = dict(row)
        materials, after = row.pop("materials"), row.pop("after")
        code, category = row.pop("code"), row.pop("category")
        item = Item.objects.filter(code=code).first()
        if item is not None:
            # Loaded by 0003 before the flags existed: set them; nothing else about it is older than this.
            Item.objects.filter(pk=item.pk).update(sensitive=row["sensitive"], urgent=row["urgent"])
            continue
        if Item.objects.filter(name=row["name"]).exists():
            kept.append(f"{code}（同名事项已存在，未添加）")
            continue
        category = Category.objects.filter(code=category).first()
        if category is None:
            kept.append(f"{code}（无此类别，未添加）")
            continue
        previous = Item.objects.filter(code=after).first()
        order = previous.order + 1 if previous is not None else Item.objects.count()
        Item.objects.filter(order__gte=order).update(order=F("order") + 1)
        item = Item.objects.create(code=code, category=category, order=order, **row)
        for i, values in enumerate(materials):
            _create_material(Material, item, values, i)
        _refresh_procedure(apps, item)
    if kept:
        print(f"\n  catalog 0008: 站点已改动、未覆盖：{'；'.join(kept)}")


class Migration(migrations.Migration):
    dependencies = [("catalog", "0007_item_sensitive_urgent_correction_specialty")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
