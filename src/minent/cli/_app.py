"""The Typer application and what every command shares: error handling, common options."""

from __future__ import annotations

import functools
import os
import sys
from typing import Callable, Optional

import typer

from .. import __version__
from ..errors import MinentError

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


def guarded(command: Callable) -> Callable:
    """Turn known failures into a one-line message and a non-zero exit, never a traceback."""

    @functools.wraps(command)
    def wrapper(*args, **kwargs):
        try:
            return command(*args, **kwargs)
        except MinentError as e:
            raise fail(str(e)) from None
        except KeyboardInterrupt:
            raise fail("interrupted", 130) from None
        except BrokenPipeError:
            # the reader of our stdout went away (e.g. `| head`): quietly stop
            try:
                devnull = os.open(os.devnull, os.O_WRONLY)
                os.dup2(devnull, sys.stdout.fileno())
            except (OSError, ValueError):
                pass
            raise typer.Exit(0) from None
        except MemoryError:
            raise fail("out of memory; try a smaller input or fewer --jobs") from None

    return wrapper


def jobs_option() -> int:
    return typer.Option(0, "--jobs", "-j", help="Cores to use; 0 means all cores.", show_default=True)


def set_jobs(jobs: int) -> int:
    """Apply --jobs (0 = all cores) to Numba's thread pool; return the number used."""
    if jobs < 0:
        raise MinentError(f"--jobs must be 0 (all cores) or a positive number, got {jobs}")
    import numba

    n = numba.config.NUMBA_NUM_THREADS
    use = n if jobs == 0 else min(jobs, n)
    numba.set_num_threads(use)
    return use


def quiet_option() -> bool:
    return typer.Option(False, "--quiet", "-q", help="No progress bars and no summary on stderr.")


def progress_for(quiet: bool, units: Optional[dict] = None):
    from ..progress import TqdmProgress

    return TqdmProgress(disable=quiet or not sys.stderr.isatty() and os.environ.get("MINENT_PROGRESS") != "1",
                        unit_of=units)
