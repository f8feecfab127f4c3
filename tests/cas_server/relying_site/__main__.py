"""A relying site for the interoperability tests: `python -m tests.cas_server.relying_site ...`.

It signs in through the CAS server with django-cas-ng, unchanged.
"""

import os
import sys

from django.core.management import execute_from_command_line

os.environ["DJANGO_SETTINGS_MODULE"] = "tests.cas_server.relying_site.settings"
execute_from_command_line([sys.argv[0], *sys.argv[1:]])
