"""P, the floor of a Django response: a view behind the full middleware that only returns bytes."""

import os
from functools import cache

from django.http import HttpResponse

FLOOR_FILE_ENV = "BENCH_FLOOR_FILE"


@cache
def _body():
    with open(os.environ[FLOOR_FILE_ENV], "rb") as handle:
        return handle.read()


def floor(request):
    return HttpResponse(_body(), content_type="text/html; charset=utf-8")
