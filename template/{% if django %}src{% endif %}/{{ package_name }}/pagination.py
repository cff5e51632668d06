"""Offset pagination with a bounded page size."""

from ninja import Field, Schema

MAX_PAGE_SIZE = 100


class PageParams(Schema):
    limit: int = Field(default=20, ge=1, le=MAX_PAGE_SIZE, description="Items per page")
    offset: int = Field(default=0, ge=0, le=1_000_000, description="Items to skip")


class Page[T](Schema):
    items: list[T] = Field(description="This page's items")
    total: int = Field(description="How many items there are in all pages")
    limit: int = Field(description="Items per page, as asked")
    offset: int = Field(description="Items skipped before this page, as asked")
