"""The CAS service registry and each service's strength-policy time line (`services:write`
both reads and changes it: the registry says which sites may receive identities)."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import filters, serializers, viewsets

from accounts.audit import audit_event_record
from accounts.models import AuditEvent
from cas_server import conf as cas_conf
from cas_server.models import Service
from traces_gateway.models import StrengthRule, requirement_validate

from .authentication import ApiKeyAuthentication
from .base import ApiViewMixin
from .conditional import ETagMixin
from .pagination import Pages
from .permissions import HasScope
from .schema import ETAG, IF_MATCH
from .users import api_key_names


class StrengthRuleSerializer(serializers.ModelSerializer):
    requirement = serializers.CharField(
        max_length=200, validators=[requirement_validate],
        help_text="A level (BASIC, MEDIUM, HIGH) or accepted strengths separated by commas, e.g. PASSWORD_SMS.")

    class Meta:
        model = StrengthRule
        fields = ["effective_from", "requirement", "note"]

    def to_representation(self, rule):
        data = super().to_representation(rule)
        data["requirement"] = rule.requirement.replace(" ", "").upper()
        return data


class ServiceSerializer(serializers.ModelSerializer):
    released_attributes = serializers.ListField(
        child=serializers.ChoiceField(choices=[]), required=False, max_length=20,
        help_text="Attributes released to the service on validation.")
    policy = StrengthRuleSerializer(
        many=True, required=False, source="strength_rules",
        help_text="The time line: from each moment on, what a sign-in must have proved. Before the first rule, "
                  "any sign-in. Given on a change, it replaces the whole time line.")

    class Meta:
        model = Service
        fields = ["id", "name", "match_kind", "pattern", "enabled", "evaluation_order", "released_attributes",
                  "proxy_allowed", "slo_url", "slo_enabled", "dialect", "created_at", "policy"]
        read_only_fields = ["created_at"]
        extra_kwargs = {"evaluation_order": {"min_value": -(2**31), "max_value": 2**31 - 1}}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["released_attributes"].child.choices = cas_conf.get("CAS_RELEASABLE_ATTRIBUTES")

    def validate_policy(self, rules):
        if any("effective_from" not in rule or "requirement" not in rule for rule in rules):
            # A change of some fields (PATCH) still gives whole rules: the time line is replaced.
            raise serializers.ValidationError(_("Each rule needs effective_from and requirement."), code="required")
        moments = [rule["effective_from"] for rule in rules]
        if len(set(moments)) != len(moments):
            raise serializers.ValidationError(_("Two rules start at the same moment."), code="duplicate")
        return rules

    def validate(self, attrs):
        """The model's own checks (a prefix names a scheme and a host, a regular expression
        compiles), on the service as it would be."""
        probe = Service(**{f.attname: getattr(self.instance, f.attname) for f in Service._meta.concrete_fields}) \
            if self.instance else Service()
        for name, value in attrs.items():
            if name != "strength_rules":
                setattr(probe, name, value)
        try:
            probe.full_clean(validate_unique=False)
        except DjangoValidationError as error:
            raise serializers.ValidationError(error.message_dict) from None
        return attrs

    @transaction.atomic
    def create(self, validated_data):
        rules = validated_data.pop("strength_rules", [])
        service = Service.objects.create(**validated_data)
        self._rules_set(service, rules)
        return service

    @transaction.atomic
    def update(self, service, validated_data):
        rules = validated_data.pop("strength_rules", None)
        for name, value in validated_data.items():
            setattr(service, name, value)
        service.save()
        if rules is not None:
            self._rules_set(service, rules)
        return service

    def _rules_set(self, service, rules):
        service.strength_rules.all().delete()
        for rule in rules:
            StrengthRule.objects.create(service=service, **rule)


@extend_schema_view(
    list=extend_schema(summary="List the registered CAS services"),
    retrieve=extend_schema(summary="Read a service and its policy", parameters=[ETAG]),
    create=extend_schema(summary="Register a service", parameters=[ETAG]),
    update=extend_schema(summary="Change a service (and replace its policy)", parameters=[IF_MATCH, ETAG]),
    partial_update=extend_schema(summary="Change some fields of a service", parameters=[IF_MATCH, ETAG]),
    destroy=extend_schema(summary="Remove a service: it can no longer sign anyone in"),
)
class ServiceViewSet(ApiViewMixin, ETagMixin, viewsets.ModelViewSet):
    authentication_classes = [ApiKeyAuthentication]
    permission_classes = [HasScope]
    read_scope = write_scope = "services:write"
    queryset = Service.objects.order_by("evaluation_order", "id").prefetch_related("strength_rules")
    serializer_class = ServiceSerializer
    pagination_class = Pages
    filter_backends = [DjangoFilterBackend, filters.SearchFilter]
    filterset_fields = ["enabled", "match_kind", "dialect"]
    search_fields = ["name", "pattern"]

    def create(self, request, *args, **kwargs):
        response = super().create(request, *args, **kwargs)
        response["Location"] = f"{request.path}{response.data['id']}/"
        return self.with_etag(response)

    def perform_create(self, serializer):
        service = serializer.save()
        audit_event_record(kind=AuditEvent.Kind.SERVICE_CREATED, request=self.request, service=service.name,
                           service_id=service.pk, **api_key_names(self.request))

    def perform_update(self, serializer):
        service = serializer.save()
        audit_event_record(kind=AuditEvent.Kind.SERVICE_UPDATED, request=self.request, service=service.name,
                           service_id=service.pk, fields=sorted(serializer.validated_data), **api_key_names(self.request))

    def perform_destroy(self, service):
        name, pk = service.name, service.pk
        service.delete()
        audit_event_record(kind=AuditEvent.Kind.SERVICE_DELETED, request=self.request, service=name, service_id=pk,
                           **api_key_names(self.request))
