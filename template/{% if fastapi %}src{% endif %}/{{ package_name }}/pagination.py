"""Offset pagination with a bounded page size."""

from typing import Annotated

from fastapi import Depends, Query
from pydantic import BaseModel, Field

MAX_PAGE_SIZE = 100


class PageParams(BaseModel):
    limit: int
    offset: int


async def page_params(
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE_SIZE, description="Items per page")] = 20,
    offset: Annotated[int, Query(ge=0, le=1_000_000, description="Items to skip")] = 0,
) -> PageParams:
    return PageParams(limit=limit, offset=offset)


class Page[T](BaseModel):
    items: list[T] = Field(description="This page's items")
    total: int = Field(description="How many items there are in all pages")
    limit: int = Field(description="Items per page, as asked")
    offset: int = Field(description="Items skipped before this page, as asked")


PageParamsDep = Annotated[PageParams, Depends(page_params)]
