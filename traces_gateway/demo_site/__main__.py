"""Run the demo TRACES NT: `python -m traces_gateway.demo_site runserver localhost:8001`."""

import os
import sys

from django.core.management import execute_from_command_line

os.environ["DJANGO_SETTINGS_MODULE"] = "traces_gateway.demo_site.settings"
execute_from_command_line([sys.argv[0], *sys.argv[1:]])
