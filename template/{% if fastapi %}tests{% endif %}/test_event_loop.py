"""FastAPI runs what is async on the event loop and hands whatever is not to a worker thread:
every endpoint and dependency here is async, so no request pays for a hand-off."""

import inspect
from collections.abc import Iterator

from fastapi import FastAPI
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute, iter_route_contexts


def _calls(dependant: Dependant) -> Iterator[object]:
    if dependant.call is not None:
        yield dependant.call
    for dependency in dependant.dependencies:
        yield from _calls(dependency)


def _runs_on_the_event_loop(call: object) -> bool:
    function = call if inspect.isfunction(call) else getattr(call, "__call__", None)  # noqa: B004
    return inspect.iscoroutinefunction(function) or inspect.isasyncgenfunction(function)


def test_endpoints_and_dependencies_run_on_the_event_loop(app: FastAPI) -> None:
    """A plain `def` endpoint or dependency is run on a worker thread: a hand-off per call."""
    routes = [
        route
        for route in iter_route_contexts(app.routes)
        if isinstance(route.original_route, APIRoute)
    ]
    assert routes
    threaded = {
        f"{route.path}: {getattr(call, '__qualname__', type(call).__qualname__)}"
        for route in routes
        for call in _calls(route.dependant)
        if not _runs_on_the_event_loop(call)
    }
    assert not threaded
