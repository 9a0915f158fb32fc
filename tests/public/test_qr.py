"""The receipt and the one-time notice carry a QR code that opens the progress page with the code filled in."""

from quanke.public import links
from tests.support import login


def test_receipt_and_notice_carry_the_progress_qr(client, cast, matter, settings):
    settings.PUBLIC_BASE_URL = "https://fw.example.gov.cn"
    expected = f"https://fw.example.gov.cn/m/track/?code={matter.tracking_code}"
    assert links.track_url(matter.tracking_code) == expected
    desk = login(client, cast.desk_a)
    for url in (f"/matters/{matter.tracking_code}/receipt/", f"/matters/{matter.tracking_code}/notice/"):
        text = desk.get(url).content.decode()
        assert expected in text and "<svg" in text and "扫码查询办理进度" in text
