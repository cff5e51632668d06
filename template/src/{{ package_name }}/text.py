"""Text fields every database can store: the schemas of all request bodies use these."""

from typing import Annotated

from pydantic import AfterValidator
from pydantic_core import PydanticCustomError


def _refuse_nul(value: str) -> str:
    # PostgreSQL cannot store U+0000 in a text column (the insert fails); no database
    # should hold a character that ends C strings. A 422 naming the field, on every database.
    if "\x00" in value:
        raise PydanticCustomError("string_nul", "Text must not contain the NUL character")
    return value


NoNul = AfterValidator(_refuse_nul)
"""Refuses U+0000; add it to the `Annotated` of any str a request body carries."""

Text = Annotated[str, NoNul]
"""A str without U+0000, for fields with no other constraint."""
