"""``ghl-conversations``: export messages without writing code, plus get/send/search companions.

    ghl-conversations export --sandbox --out messages.jsonl
    ghl-conversations export --location LOC --out messages.jsonl --resume
    ghl-conversations get-message MSG_ID
    ghl-conversations send --type SMS --contact CONTACT --message "hi"
    ghl-conversations search --location LOC --status unread

Thin by design: it parses arguments and calls the SDK. Expected failures (bad arguments, refused
tokens, validation errors, network trouble) end with one line on stderr and a non-zero exit code,
never a traceback. The token is never printed.
"""

from ._main import build_parser, main

__all__ = ["build_parser", "main"]
