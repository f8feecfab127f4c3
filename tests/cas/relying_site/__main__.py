"""A relying site for the interoperability tests: `python -m tests.cas.relying_site ...`.

It signs in through the CAS server with django-cas-ng, unchanged. django-cas-ng imports
python-cas's top-level module `cas`, which eulogin's own package would shadow: the project
root goes after site-packages on sys.path.
"""

import os
import sys
from pathlib import Path

ROOT = str(Path(__file__).resolve().parent.parent.parent.parent)
sys.path[:] = [p for p in sys.path if p not in ("", ".", ROOT) and Path(p or ".").resolve() != Path(ROOT)] + [ROOT]

from django.core.management import execute_from_command_line  # noqa: E402

os.environ["DJANGO_SETTINGS_MODULE"] = "tests.cas.relying_site.settings"
execute_from_command_line([sys.argv[0], *sys.argv[1:]])
