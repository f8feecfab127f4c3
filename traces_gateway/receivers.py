"""The strength rules are cached in every process: a change of one tells them all."""

from django.db.models.signals import post_delete, post_save

from eulogin.readcache import read_caches_changed

from .models import StrengthRule

post_save.connect(read_caches_changed, sender=StrengthRule, dispatch_uid="traces_gateway.rules_saved")
post_delete.connect(read_caches_changed, sender=StrengthRule, dispatch_uid="traces_gateway.rules_deleted")
