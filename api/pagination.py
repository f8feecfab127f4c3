from rest_framework.pagination import CursorPagination, PageNumberPagination

from . import conf


class Pages(PageNumberPagination):
    """?page=2&page_size=100; the answer has count, next, previous and results."""

    page_size_query_param = "page_size"

    def get_page_size(self, request):
        self.page_size = conf.get("API_PAGE_SIZE")
        self.max_page_size = conf.get("API_MAX_PAGE_SIZE")
        return super().get_page_size(request)


class TrailCursor(CursorPagination):
    """The audit trail, newest first, by an opaque cursor: stable while events keep
    arriving (a page never repeats or skips an event)."""

    ordering = ("-created_at", "-id")
    page_size_query_param = "page_size"

    def get_page_size(self, request):
        self.page_size = conf.get("API_PAGE_SIZE")
        self.max_page_size = conf.get("API_MAX_PAGE_SIZE")
        return super().get_page_size(request)
