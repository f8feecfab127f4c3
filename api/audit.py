"""The audit trail: all of it with `audit:read`; a person's own events in self-service."""

import django_filters
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, viewsets

from accounts.models import AuditEvent

from .authentication import ApiKeyAuthentication, BrowserSessionAuthentication
from .base import ApiViewMixin
from .filters import MomentFilter
from .pagination import TrailCursor
from .permissions import HasScope, IsPerson


class AuditEventSerializer(serializers.ModelSerializer):
    user = serializers.IntegerField(source="user_id", allow_null=True, read_only=True,
                                    help_text="The account's id; null for events without one or after a deletion.")

    class Meta:
        model = AuditEvent
        fields = ["id", "created_at", "kind", "user", "email", "ip_address", "user_agent", "detail"]
        read_only_fields = fields


class OwnAuditEventSerializer(AuditEventSerializer):
    class Meta(AuditEventSerializer.Meta):
        fields = ["id", "created_at", "kind", "ip_address", "user_agent", "detail"]
        read_only_fields = fields


class AuditFilter(django_filters.FilterSet):
    user = django_filters.NumberFilter(field_name="user_id", help_text="An account's id.")
    email = django_filters.CharFilter(field_name="email", lookup_expr="iexact",
                                      help_text="The address recorded (typed at sign-in, or the account's).")
    kind = django_filters.MultipleChoiceFilter(choices=AuditEvent.Kind.choices, help_text="One or more kinds.")
    since = MomentFilter(field_name="created_at", lookup_expr="gte", help_text="From (included).")
    until = MomentFilter(field_name="created_at", lookup_expr="lt", help_text="Until (excluded).")

    class Meta:
        model = AuditEvent
        fields = ["user", "email", "kind", "since", "until"]


class OwnAuditFilter(AuditFilter):
    class Meta(AuditFilter.Meta):
        fields = ["kind", "since", "until"]


@extend_schema_view(list=extend_schema(summary="Read the audit trail, newest first (cursor pagination)"),
                    retrieve=extend_schema(summary="Read one event"))
class AuditEventViewSet(ApiViewMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    authentication_classes = [ApiKeyAuthentication]
    permission_classes = [HasScope]
    read_scope = write_scope = "audit:read"
    queryset = AuditEvent.objects.all()
    serializer_class = AuditEventSerializer
    pagination_class = TrailCursor
    filter_backends = [DjangoFilterBackend]
    filterset_class = AuditFilter


@extend_schema_view(list=extend_schema(summary="Read my own security events, newest first"))
class OwnAuditEventViewSet(ApiViewMixin, mixins.ListModelMixin, viewsets.GenericViewSet):
    authentication_classes = [BrowserSessionAuthentication]
    permission_classes = [IsPerson]
    serializer_class = OwnAuditEventSerializer
    pagination_class = TrailCursor
    filter_backends = [DjangoFilterBackend]
    filterset_class = OwnAuditFilter

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # the schema generator has no person
            return AuditEvent.objects.none()
        return AuditEvent.objects.filter(user=self.request.user)
