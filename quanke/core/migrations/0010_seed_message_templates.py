"""Seed one message template per event with the default texts (a copy: later edits of the code's defaults do not
rewrite what a station has edited)."""

from django.db import migrations

DEFAULTS = {
    "matter_accepted": "【{station}】您的“{item}”已受理，受理编号{code}{due}。查询进度：{track_url}",
    "matter_routed": "【{station}】您的“{item}”（{code}）已转{to_unit}办理，我们会跟进进度。",
    "matter_materials": "【{station}】您的“{item}”（{code}）需补正材料：{missing}。请带齐后到{station}办理，咨询电话{phone}。",
    "matter_finished": "【{station}】您的“{item}”（{code}）已办结。请为本次服务评价：{rating_url}",
    "matter_refused": "【{station}】您的“{item}”（{code}）不予受理，原因：{reason}。如有疑问请致电{phone}。请评价：{rating_url}",
    "booking_code": "【{station}】您的预约验证码是{code}，{minutes}分钟内有效。如非本人操作，请忽略。",
    "booking_confirmed": "【{station}】您已预约{kind}（{what}），时间{when}{worker}。如需改约请来电{phone}{link}",
    "booking_cancelled": "【{station}】您{when}的预约已取消。如有需要请再次预约或来电{phone}。",
    "booking_reminder": "【{station}】温馨提醒：您预约的{kind}（{what}）在{when}。{link}",
}


def seed(apps, schema_editor):
    MessageTemplate = apps.get_model("core", "MessageTemplate")
    for event, body in DEFAULTS.items():
        MessageTemplate.objects.get_or_create(event=event, defaults={"body": body})


class Migration(migrations.Migration):
    dependencies = [("core", "0009_message_templates")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
