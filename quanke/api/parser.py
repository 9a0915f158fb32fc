"""The API's request parser: django-ninja's, refusing the NUL character (U+0000) in any string of a body or a
query. JSON allows it, PostgreSQL text cannot store or compare it (a 500 "cannot contain NUL" otherwise), and no
person types it; the web forms refuse it the same way (Django's ProhibitNullCharactersValidator)."""

from ninja.parser import Parser


class NulCharacter(ValueError):
    def __init__(self, where: str):
        super().__init__(where)
        self.where = where


def refuse_nul(value, where: str = "body") -> None:
    if isinstance(value, str):
        if "\x00" in value:
            raise NulCharacter(where)
    elif isinstance(value, dict):
        for key, item in value.items():
            refuse_nul(key, where)
            refuse_nul(item, f"{where}.{key}")
    elif isinstance(value, list):
        for index, item in enumerate(value):
            refuse_nul(item, f"{where}.{index}")


class NulRefusingParser(Parser):
    def parse_body(self, request):
        data = super().parse_body(request)
        refuse_nul(data)
        return data

    def parse_querydict(self, data, list_fields, request):
        result = super().parse_querydict(data, list_fields, request)
        refuse_nul(result, "query")
        return result
