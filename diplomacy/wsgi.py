"""
WSGI config for diplomacy project.

It exposes the WSGI callable as a module-level variable named ``application``.

For more information on this file, see
https://docs.djangoproject.com/en/5.2/howto/deployment/wsgi/
"""

import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "diplomacy.settings")

application = get_wsgi_application()

# What is loaded by now lives as long as the process: keep it out of the garbage
# collector's full passes, which would walk all of it and stall whichever request
# set one off (some 50 ms on a list page; see docs/benchmarks.md).
gc.freeze()
