"""Pinyin keys for name look-up: typing `zsf` or `zhangsanfeng` finds 张三丰."""

from pypinyin import Style, lazy_pinyin


def pinyin_keys(name: str) -> tuple[str, str]:
    """(full pinyin without tones or spaces, initials), both lower case."""
    name = (name or "").strip()
    full = "".join(lazy_pinyin(name, style=Style.NORMAL, errors="ignore")).lower()
    initials = "".join(lazy_pinyin(name, style=Style.FIRST_LETTER, errors="ignore")).lower()
    return full, initials
