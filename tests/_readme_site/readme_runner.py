"""``python -m readme_runner main.py``: run a README block as ``python main.py`` would, then
serve briefly every web app it defined but did not run itself (see ``sitecustomize``), so a block
that only builds ``app`` (to be run with ``uvicorn main:app`` or mounted elsewhere) still has its
startup, shutdown and GET routes exercised."""

from __future__ import annotations

import importlib
import os
import runpy
import sys


def main() -> None:
    """Run the script named by the first argument as ``__main__``, then serve what it defined."""
    script = sys.argv[1]
    sys.argv = sys.argv[1:]
    sys.path.insert(0, os.path.dirname(os.path.abspath(script)))
    namespace = runpy.run_path(script, run_name="__main__")
    importlib.import_module("sitecustomize").serve_defined_apps(namespace)


if __name__ == "__main__":
    main()
