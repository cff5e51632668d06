"""Copier's entry points into extensions/: the derived context and the answer checks.

copier-template-extensions loads this file by path, so the package beside it is loaded
under a name unique to this checkout: an update renders the old and the new template in
one process, and each must use its own code.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import importlib
import importlib.util
import marshal
import os
import sys
from collections.abc import Callable
from pathlib import Path
from types import CodeType, ModuleType, TracebackType
from typing import Any, cast

import jinja2
from copier_template_extensions import ContextHook
from jinja2 import Environment
from jinja2.ext import Extension


def _module(name: str) -> ModuleType:
    here = Path(__file__).resolve().parent
    package = "_service_template_" + hashlib.sha256(str(here).encode()).hexdigest()[:16]
    if package not in sys.modules:
        spec = importlib.util.spec_from_file_location(
            package, here / "__init__.py", submodule_search_locations=[str(here)]
        )
        if spec is None or spec.loader is None:
            raise ImportError(here)
        sys.modules[package] = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(sys.modules[package])
    return importlib.import_module(f"{package}.{name}")


class ContextUpdater(ContextHook):
    """Adds the derived values to every context copier renders with.

    copier builds a context for every path part and every file (about 700 a render), and
    the derived values depend only on the answers in ``INPUTS``: compute them once per
    answer set instead of once per context.
    """

    def __init__(self, environment: Environment) -> None:
        super().__init__(environment)
        derive = _module("derive")
        self._derive = derive.derive
        self._inputs: tuple[str, ...] = derive.INPUTS
        self._derived: dict[tuple[Any, ...], dict[str, Any]] = {}

    def hook(self, context: dict[str, Any]) -> None:
        # Present or absent matters too: an answer not asked yet is not an empty answer.
        key = tuple((name in context, context.get(name)) for name in self._inputs)
        try:
            derived = self._derived.get(key)
        except TypeError:  # an unhashable answer: nothing to memoize on
            context.update(self._derive(context))
            return
        if derived is None:
            derived = self._derived[key] = self._derive(context)
        context.update(derived)


def _cache_directory(environment: Environment) -> Path | None:
    """Where compiled templates are kept between renders, or None to keep them in memory.

    The directory name fingerprints everything besides the source that shapes the code
    Jinja generates (its version, Python's bytecode format, the environment's syntax and
    extensions), so a change to any of them starts a new cache instead of reusing the old.
    """
    if os.environ.get("SERVICE_TEMPLATE_NO_CACHE"):
        return None
    settings = (
        jinja2.__version__,
        importlib.util.MAGIC_NUMBER.hex(),
        type(environment).__qualname__,
        environment.block_start_string,
        environment.block_end_string,
        environment.variable_start_string,
        environment.variable_end_string,
        environment.comment_start_string,
        environment.comment_end_string,
        environment.line_statement_prefix,
        environment.line_comment_prefix,
        environment.trim_blocks,
        environment.lstrip_blocks,
        environment.newline_sequence,
        environment.keep_trailing_newline,
        environment.optimized,
        environment.is_async,
        sorted(environment.extensions),
    )
    fingerprint = hashlib.sha256(repr(settings).encode()).hexdigest()[:16]
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return base / "python-service-template" / f"jinja-{fingerprint}"


def _located(code: CodeType, filename: str) -> CodeType:
    """The cached code, its tracebacks pointing at this render's copy of the template."""
    constants = tuple(
        _located(constant, filename) if isinstance(constant, CodeType) else constant
        for constant in code.co_consts
    )
    return code.replace(co_filename=filename, co_consts=constants)


def _compile_once(environment: Environment) -> None:
    """Memoize the environment's compilation of template source to code.

    copier compiles every path part of every template file on its own (the same
    ``{% if fastapi %}src{% endif %}`` and ``{{ package_name }}`` a hundred times a render);
    the code Jinja generates depends only on the source and the environment, so it is
    compiled once per render. Half of a render's time went to these repeated compilations.

    The code is also kept on disk, keyed by a hash of the source: the next render (every
    team's, every ``copier update``'s) loads it with ``marshal`` instead of parsing and
    compiling ~280 templates again, a third of what remained of a render. Jinja's own
    bytecode cache does the same for loaded files only, not for copier's path strings.
    """
    compile_source: Callable[..., str | CodeType] = environment.compile
    # Settled on first use: extensions start before the environment has all its settings.
    cache_directory = functools.cache(lambda: _cache_directory(environment))

    def from_disk(source: str, name: str | None, filename: str | None) -> CodeType:
        directory = cache_directory()
        if directory is None:
            return cast(CodeType, compile_source(source, name, filename))
        # Not keyed on the file name: copier renders from a new temporary clone each time.
        digest = hashlib.sha256(repr((source, name)).encode()).hexdigest()
        path = directory / digest[:2] / digest
        with contextlib.suppress(OSError, EOFError, ValueError, TypeError):
            # The user's own cache directory, as Jinja's FileSystemBytecodeCache would use:
            # whoever can write there can already change the user's Python.
            code = marshal.loads(path.read_bytes())  # noqa: S302
            if isinstance(code, CodeType):
                return _located(code, filename or "<template>")
        code = cast(CodeType, compile_source(source, name, filename))
        # Written aside, then renamed: a concurrent render never reads half a file.
        with contextlib.suppress(OSError):
            path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
            partial = path.with_name(f"{digest}.{os.getpid()}.tmp")
            partial.write_bytes(marshal.dumps(code))
            partial.replace(path)
        return code

    @functools.lru_cache(maxsize=2048)
    def cached(
        source: str, name: str | None, filename: str | None, raw: bool, defer_init: bool
    ) -> str | CodeType:
        if raw or defer_init:
            return compile_source(source, name, filename, raw, defer_init)
        return from_disk(source, name, filename)

    def compile_(
        source: Any,
        name: str | None = None,
        filename: str | None = None,
        raw: bool = False,
        defer_init: bool = False,
    ) -> str | CodeType:
        if isinstance(source, str):
            # Extensions reset per-template state in preprocess (copier's `yield` tag does),
            # which a cached compilation would skip.
            environment.preprocess(source, name, filename)
            return cached(source, name, filename, raw, defer_init)
        return compile_source(source, name, filename, raw, defer_init)

    environment.compile = compile_  # type: ignore[method-assign,assignment]


_ANSWER_ERRORS = ("Validation error for question", "Invalid choice for")
_NOT_A_SCALAR = "Could not convert "


def _question_in(traceback: TracebackType | None) -> str | None:
    """The name of the copier question whose answer was being read when the error arose."""
    name = None
    while traceback is not None:
        question = traceback.tb_frame.f_locals.get("self")
        name = getattr(question, "var_name", name)
        traceback = traceback.tb_next
    return name if isinstance(name, str) else None


def _answer_error_hook(
    kind: type[BaseException], error: BaseException, traceback: TracebackType | None
) -> None:
    """Show a refused --data/--data-file answer as one clear line instead of a traceback.

    copier raises a bare ValueError for these (exit code 1 either way): a refused answer,
    and an answer that is a list or a mapping where the question wants one value.
    Everything else keeps Python's default report.
    """
    if isinstance(error, ValueError) and str(error).startswith(_ANSWER_ERRORS):
        print(f"Error: {error}", file=sys.stderr)
        return
    if isinstance(error, ValueError) and str(error).startswith(_NOT_A_SCALAR):
        value = str(error).removeprefix(_NOT_A_SCALAR).removesuffix(" to string")
        question = _question_in(traceback)
        subject = f"The answer to '{question}'" if question else "An answer"
        print(f"Error: {subject} must be a single value, not {value}.", file=sys.stderr)
        return
    sys.__excepthook__(kind, error, traceback)


class Checks(Extension):
    """Filters and globals that copier.yml's defaults and validators call."""

    def __init__(self, environment: Environment) -> None:
        super().__init__(environment)
        if sys.excepthook is sys.__excepthook__:
            sys.excepthook = _answer_error_hook
        _compile_once(environment)
        naming = _module("naming")
        environment.filters["to_package_name"] = naming.to_package_name
        environment.globals["project_name_error"] = naming.project_name_error
        environment.globals["package_name_error"] = naming.package_name_error
        environment.globals["team_name_error"] = naming.team_name_error
        environment.globals["organization_error"] = naming.organization_error
        environment.globals["registry_error"] = naming.registry_error
        environment.globals["email_error"] = naming.email_error
        environment.globals["branch_name_error"] = naming.branch_name_error
        environment.globals["refusal"] = _module("refusals").refusal
