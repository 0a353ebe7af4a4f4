"""The one exception type users see: its message is a complete, one-line explanation."""


class MinentError(Exception):
    """A problem with the user's input or options (bad file, bad value).

    The CLI prints ``minent: <message>`` and exits with status 2; library callers can
    catch it to tell bad input from bugs.
    """
