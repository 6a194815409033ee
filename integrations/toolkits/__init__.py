"""Local toolkits: the graduated approach as each local authority lays it out.

A toolkit is a `send_core.toolkit.Toolkit`. The built-ins are declarative files in `builtin/`
(one per toolkit, checked on load by `schema`); others arrive as Python packages that declare
an entry point in the group `cairn.toolkits` (see `registry`). At start-up every toolkit found
is registered into send_core's registry, which is all send_core ever sees of them.
"""

from .loader import BUILTIN_DIR, load_builtin_toolkits, load_toolkit_file
from .schema import ToolkitFileError

__all__ = ["BUILTIN_DIR", "ToolkitFileError", "load_builtin_toolkits", "load_toolkit_file"]
