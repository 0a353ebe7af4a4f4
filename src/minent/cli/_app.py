"""The Typer application and what every command shares: error handling, common options."""

from __future__ import annotations

import contextlib
import functools
import io
import math
import os
import signal
import sys
import threading
import time
from typing import Callable, Optional

import typer

from .. import __version__
from ..common.errors import MinentError

app = typer.Typer(
    name="minent",
    help="Unsupervised Chinese text mining: discover words, segment text, mine itemsets.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _show_version(value: bool) -> None:
    if value:
        typer.echo(f"minent {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: bool = typer.Option(
        False, "--version", callback=_show_version, is_eager=True, help="Show the version and exit."
    ),
) -> None:
    """Unsupervised Chinese text mining: discover words, segment text, mine itemsets."""


def fail(message: str, code: int = 2) -> "typer.Exit":
    """Print ``minent: message`` on stderr and return the Exit to raise."""
    typer.echo(f"minent: {message}", err=True)
    return typer.Exit(code)


class Interrupted(KeyboardInterrupt):
    """SIGINT, SIGTERM or SIGHUP arrived while a command ran (raised in the main thread)."""

    def __init__(self, signum: int) -> None:
        super().__init__(signal.Signals(signum).name)
        self.signum = signum


_HANDLED_SIGNALS = tuple(getattr(signal, name) for name in ("SIGINT", "SIGTERM", "SIGHUP") if hasattr(signal, name))
_INT64_MAX = (1 << 63) - 1


#: while Numba builds or loads a kernel, a signal is held back (an exception raised inside
#: LLVM's callbacks can leave it half-built: a crash at exit) and raised between two kernels
_DEFERRED: dict = {"on": False, "signum": None}


def _interrupt(signum: int, frame) -> None:
    """First signal: unwind (finally blocks remove temporaries); a second one leaves at once."""
    if _DEFERRED["on"]:
        if _DEFERRED["signum"] is not None:  # a second signal while held back: leave now
            _leave_now(signum, frame)
        _DEFERRED["signum"] = signum
        return
    if _WAITING["ours"]:  # sent again by _raise_at_next_line: the first signal still
        _WAITING["ours"] = False
    elif _WAITING["signum"] is not None:  # a second signal while the first waits: leave now
        _leave_now(signum, frame)
    caller = _caller_of_numba(frame)
    if caller is not frame and caller is not None:
        _raise_at_next_line(caller, signum)
        return
    _WAITING["signum"] = None
    for s in _HANDLED_SIGNALS:
        if signal.getsignal(s) is _interrupt:
            signal.signal(s, _leave_now)
    raise Interrupted(signum)


def _caller_of_numba(frame):
    """The frame that called the outermost Python code of Numba running now (``frame``
    itself when there is none). A kernel calls back into such code as it hands over its
    results (boxing an array unpickles its type, which may run other modules' code): an
    exception raised there leaves a tuple of results with a hole, and unpacking it crashes
    the process."""
    caller = frame
    while frame is not None:
        if frame.f_globals.get("__name__", "").startswith("numba."):
            caller = frame.f_back
        frame = frame.f_back
    return caller


#: a signal waiting to be raised outside Numba (see :func:`_raise_at_next_line`), and
#: whether the next one is that signal sent again
_WAITING: dict = {"signum": None, "ours": False}
#: how long a trace has to take a waiting signal before it is sent again
RESEND_SECONDS = 0.05


def _raise_at_next_line(frame, signum: int) -> None:
    """Handle ``signum`` in ``frame`` when it reaches its next line or returns (the kernel's
    results are whole by then), through a trace of that frame alone. Should the trace not
    fire within :data:`RESEND_SECONDS`, the signal is sent again (it then lands anywhere).
    Whichever comes first takes the signal (``claim.pop`` is atomic), so it is handled once.
    (Raised from a trace function, the signal switches off a tracer that ran before it: a
    debugger's or coverage's, which then stop at that Ctrl-C.)"""
    previous, frame_trace = sys.gettrace(), frame.f_trace
    claim = [signum]
    _WAITING["signum"] = signum

    def at_line(traced, event, arg):
        traced.f_trace = frame_trace
        sys.settrace(previous)
        try:
            claim.pop()
        except IndexError:  # sent again already
            return frame_trace
        _WAITING["signum"] = None
        _interrupt(signum, traced)  # raises

    def resend() -> None:
        time.sleep(RESEND_SECONDS)
        try:
            claim.pop()
        except IndexError:  # the trace took it
            return
        _WAITING["ours"] = True
        os.kill(os.getpid(), signum)

    frame.f_trace = at_line
    frame.f_trace_lines = True
    sys.settrace(lambda *args: None)  # tracing on, no other frame traced
    threading.Thread(target=resend, name="minent-signal", daemon=True).start()


def _raise_deferred() -> None:
    """Raise the signal held back while a kernel was being built, if any."""
    signum = _DEFERRED["signum"]
    if signum is not None:
        _DEFERRED["signum"] = None
        _DEFERRED["on"] = False
        _interrupt(signum, None)


@contextlib.contextmanager
def _kernels_being_built():
    """Hold signals back while kernels are compiled or loaded; raise them between kernels."""
    from . import warmup

    _DEFERRED["on"], _DEFERRED["signum"] = True, None
    warmup.CHECKPOINT = _raise_deferred
    try:
        yield
    finally:
        warmup.CHECKPOINT = warmup._no_checkpoint
        _DEFERRED["on"] = False
    _raise_deferred()


def _leave_now(signum: int, frame) -> None:
    from ..common.textio import remove_temporaries

    remove_temporaries()
    try:
        os.write(2, f"minent: {_interrupted_message(signum)}\n".encode())
    finally:
        os._exit(128 + signum)


def _interrupted_message(signum: int) -> str:
    return "interrupted" if signum == signal.SIGINT else f"stopped by {signal.Signals(signum).name}"


@contextlib.contextmanager
def _signals_unwind():
    """While a command runs, SIGINT, SIGTERM and SIGHUP unwind it like Ctrl-C.

    A signal that the process inherited as ignored (``nohup``, a background job of a
    non-interactive shell) stays ignored.
    """
    previous = {}
    _WAITING.update(signum=None, ours=False)
    try:
        for s in _HANDLED_SIGNALS:
            if signal.getsignal(s) != signal.SIG_IGN:
                previous[s] = signal.signal(s, _interrupt)
    except ValueError:  # not the main thread: leave the signals alone
        pass
    try:
        yield
    finally:
        for s, handler in previous.items():
            signal.signal(s, handler)


def _interrupt_of(error: BaseException) -> Optional[KeyboardInterrupt]:
    """The KeyboardInterrupt behind an error: Numba reports one that arrives inside a kernel
    as "SystemError: ... returned a result with an exception set", caused by it."""
    seen = 0
    while error is not None and seen < 10:
        if isinstance(error, KeyboardInterrupt):
            return error
        error = error.__cause__ or error.__context__
        seen += 1
    return None


def _check_numbers(kwargs: dict) -> None:
    """Whole-number options past int64 and NaN floats get a one-line error (Numba cannot type them)."""
    for name, value in kwargs.items():
        option = "--" + name.replace("_", "-")
        if isinstance(value, bool):
            continue
        if isinstance(value, int) and not -_INT64_MAX - 1 <= value <= _INT64_MAX:
            raise MinentError(f"{option} is out of range: {value}")
        if isinstance(value, float) and math.isnan(value):
            raise MinentError(f"{option} must be a number, got nan")


def _announce_compiling(command: Callable, kwargs: dict) -> None:
    """Start Numba and load the kernels this run will call, first compiling them on both
    cores with one line on stderr when they are not yet in the cache (the first run after an
    install takes seconds more, and must not look hung).

    Nothing happens for a run that calls no kernel: ``score``, and a run that its command's
    module says is small (its ``runs_without_kernels(kwargs)``: the library takes its plain
    paths there, and Numba's start, a third of a second, would be most of the run)."""
    command_name = command.__name__
    if command_name.removesuffix("_command") == "score":  # no kernels
        return
    runs_without_kernels = getattr(sys.modules.get(command.__module__), "runs_without_kernels", None)
    if runs_without_kernels is not None and runs_without_kernels(kwargs):
        return
    load_kernels(command_name, kwargs)


def load_kernels(command_name: str, kwargs: dict) -> None:
    """Start Numba and load the command's kernels, compiling them first (with a notice) when
    the cache lacks them."""
    from .warmup import COMPILE_NOTICE, needs_compiling, prepare, preload, start_numba

    start_numba()

    with _kernels_being_built():
        if needs_compiling(command_name, kwargs):
            if not kwargs.get("quiet"):
                typer.echo(COMPILE_NOTICE, err=True)
            prepare(command_name, kwargs)  # on two processes: half the kernels in a child that fills the cache
        preload(command_name, kwargs)  # the rest loaded now, not in the middle of the work


def _silence_stdout() -> None:
    """Point stdout at /dev/null so that Python's final flush cannot fail again."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, 1 if sys.stdout is None else sys.stdout.fileno())
    except (OSError, ValueError, AttributeError, io.UnsupportedOperation):
        pass


def guarded(command: Callable) -> Callable:
    """Turn known failures into a one-line message and a non-zero exit, never a traceback.

    Exit status: 2 for bad input or options, 1 when an output cannot be written, 128+N for
    signal N (130 Ctrl-C, 143 SIGTERM, 129 SIGHUP), 0 when the reader of stdout went away.
    """

    @functools.wraps(command)
    def wrapper(*args, **kwargs):
        from ..common.textio import OutputError

        try:
            with _signals_unwind():
                _check_numbers(kwargs)
                _announce_compiling(command, kwargs)
                result = command(*args, **kwargs)
                try:
                    if sys.stdout is not None:
                        sys.stdout.flush()
                except BrokenPipeError:
                    raise
                except OSError as e:
                    raise OutputError(f"cannot write output: {e.strerror or e}") from None
                return result
        except OutputError as e:
            if str(e).startswith("cannot write output"):
                _silence_stdout()
            raise fail(str(e), 1) from None
        except MinentError as e:
            raise fail(str(e)) from None
        except KeyboardInterrupt as e:
            sys.unraisablehook = lambda unraisable: None  # half-built LLVM objects complain at exit
            raise fail(_interrupted_message(getattr(e, "signum", signal.SIGINT)),
                       128 + getattr(e, "signum", signal.SIGINT)) from None
        except SystemError as e:
            interrupt = _interrupt_of(e)
            if interrupt is None:
                raise
            signum = getattr(interrupt, "signum", signal.SIGINT)
            sys.unraisablehook = lambda unraisable: None
            raise fail(_interrupted_message(signum), 128 + signum) from None
        except BrokenPipeError:
            # the reader of our stdout went away (e.g. `| head`): quietly stop
            _silence_stdout()
            raise typer.Exit(0) from None
        except MemoryError:
            raise fail("out of memory; try a smaller input or fewer --jobs") from None

    return wrapper


def loading_kernels_on_demand(progress, command_name: str, kwargs: dict):
    """``progress`` for a run that began without kernels (its command's ``runs_without_kernels``
    said so): when the library leaves its plain path after all (the stage ``loading kernels``:
    the data proved denser than its size promised), Numba starts as at the start of any other
    run, with the notice when the kernels must be compiled first."""

    def callback(stage: str, done, total) -> None:
        if stage == "loading kernels":
            load_kernels(command_name, kwargs)
        progress(stage, done, total)

    return callback


def jobs_option() -> int:
    return typer.Option(0, "--jobs", "-j", help="Cores to use; 0 means all cores.", show_default=True)


def set_jobs(jobs: int) -> int:
    """Apply --jobs (0 = all cores) to Numba's thread pool; return the number used."""
    if jobs < 0:
        raise MinentError(f"--jobs must be 0 (all cores) or a positive number, got {jobs}")
    if "numba" not in sys.modules:  # a small run may never start it: the setting waits for it
        limit = int(os.environ.get("NUMBA_NUM_THREADS") or os.cpu_count() or 1)
        if jobs:
            os.environ["NUMBA_NUM_THREADS"] = str(min(jobs, limit))
        return limit if jobs == 0 else min(jobs, limit)
    import numba

    n = numba.config.NUMBA_NUM_THREADS
    use = n if jobs == 0 else min(jobs, n)
    numba.set_num_threads(use)
    return use


def scheduler_option(reads: str, where: str, same: str) -> Optional[str]:
    """--scheduler (or $DASK_SCHEDULER_ADDRESS): run the command on a Dask cluster; the workers
    read ``reads`` from ``where``, and ``same`` comes out as from a local run."""
    return typer.Option(
        None, "--scheduler", envvar="DASK_SCHEDULER_ADDRESS", show_default=False,
        help=f"Run on this Dask cluster (e.g. tcp://10.0.0.5:8786); the workers read {reads} ({where}). "
        f"Same {same} as a local run. "
        "Needs pip install \"minent\\[distributed]\".",
    )


def quiet_option() -> bool:
    return typer.Option(False, "--quiet", "-q", help="No progress bars and no summary on stderr.")


def progress_for(quiet: bool, units: Optional[dict] = None, streams_to_stdout: bool = False):
    """One progress line on stderr when it is a terminal (or MINENT_PROGRESS=1), none with --quiet;
    the command must ``close()`` it before printing its summary (see minent.common.progress.TqdmProgress).
    ``streams_to_stdout``: the command writes its output while it runs; when that goes to the
    terminal too, a bar would be drawn into the middle of it, so there is none."""
    from ..common.progress import TqdmProgress

    def is_terminal(stream) -> bool:  # a closed stream (2>&-) is None
        return stream is not None and stream.isatty()

    wanted = is_terminal(sys.stderr) or os.environ.get("MINENT_PROGRESS") == "1" and sys.stderr is not None
    mixed = streams_to_stdout and is_terminal(sys.stdout) and os.environ.get("MINENT_PROGRESS") != "1"
    return TqdmProgress(disable=quiet or not wanted or mixed, unit_of=units)
