"""Self-service of recovery codes ("Codes de récupération"): how many are left, and a new
set, shown once. The page's rules and services (mfa_recovery): a recent password and a
fresh second factor before a new set, another factor for the codes to stand in for; the
set is audited and the person emailed by the service, as from the page."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response

from accounts.factors import factors_enrolled
from mfa_recovery import conf as recovery_conf
from mfa_recovery import selectors as recovery_selectors
from mfa_recovery import services as recovery_services

from .errors import Conflict
from .factors import rebind_proof_required, sensitive_change_allowed
from .me import PersonView


class RecoveryCodesSerializer(serializers.Serializer):
    left = serializers.IntegerField(help_text="How many unused codes are left (0 without a set).")
    low = serializers.BooleanField(
        help_text="True when a set exists with MFA_RECOVERY_WARN_AT (3) or fewer codes left: time for a new set.")
    generated_at = serializers.DateTimeField(allow_null=True, help_text="When the set was made; null without one.")


class NewRecoveryCodesSerializer(RecoveryCodesSerializer):
    codes = serializers.ListField(child=serializers.CharField(), help_text=(
        "The new codes, shown this once: only their HMACs are stored. Each works once; the earlier ones no "
        "longer work."))


def _state(user) -> dict:
    device = recovery_selectors.recovery_code_set_for_user(user=user)
    left = recovery_selectors.recovery_codes_remaining(user=user)
    return {"left": left, "low": device is not None and left <= recovery_conf.get("MFA_RECOVERY_WARN_AT"),
            "generated_at": device.created_at if device is not None else None}


class RecoveryCodesView(PersonView):
    @extend_schema(summary="How many of my recovery codes are left", responses={200: RecoveryCodesSerializer})
    def get(self, request):
        return Response(RecoveryCodesSerializer(_state(request.user)).data)

    @extend_schema(summary="Generate a new set of recovery codes, returned once; the earlier codes stop working "
                           "(recent password and a fresh second factor needed)",
                   request=None, responses={201: NewRecoveryCodesSerializer})
    def post(self, request):
        sensitive_change_allowed(request)
        rebind_proof_required(request)
        if not factors_enrolled(request.user, backups=False):
            raise Conflict(_("Add a second factor first: recovery codes stand in for it when it is lost."),
                           code="second_factor_missing")
        codes = recovery_services.recovery_codes_generate(request=request, user=request.user)
        recovery_services.recovery_codes_to_show(request)  # returned here, so never shown again on the page
        return Response(NewRecoveryCodesSerializer({**_state(request.user), "codes": codes}).data,
                        status=status.HTTP_201_CREATED)
