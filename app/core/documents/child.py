"""Entry point of the extraction child process, run as a script by isolation.py.

Importing ``app`` would run its ``__init__``, which builds the whole web
application (seconds of imports the child never uses). The packages are
therefore registered here by path, without running their ``__init__``, and
only the extraction modules are imported.
"""

import sys
import types
from pathlib import Path

if __name__ == "__main__":
    root = Path(__file__).resolve().parents[3]
    # Isolated mode (-I) leaves the script's folder out of sys.path; the project root goes first.
    sys.path.insert(0, str(root))
    for name in ("app", "app.core", "app.core.documents"):
        package = types.ModuleType(name)
        package.__path__ = [str(root.joinpath(*name.split(".")))]
        sys.modules[name] = package
    from app.core.documents.worker import main

    main(int(sys.argv[1]))
