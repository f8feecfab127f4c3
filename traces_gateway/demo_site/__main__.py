"""Run the demo TRACES NT: `python -m traces_gateway.demo_site runserver 127.0.0.1:8001`.

The relying site imports django-cas-ng, which imports python-cas's top-level module
`cas`; eulogin's own CAS server package must not shadow it here, so the project root
goes after site-packages on sys.path.
"""

import os
import sys
from pathlib import Path

ROOT = str(Path(__file__).resolve().parent.parent.parent)
sys.path[:] = [p for p in sys.path if p not in ("", ".", ROOT) and Path(p or ".").resolve() != Path(ROOT)] + [ROOT]

from django.core.management import execute_from_command_line  # noqa: E402

os.environ["DJANGO_SETTINGS_MODULE"] = "traces_gateway.demo_site.settings"
execute_from_command_line([sys.argv[0], *sys.argv[1:]])
