"""Provisioning of accounts: `users:read` reads, `users:write` changes.

Accounts of staff (Django admin users) are read, never changed, through the API: a leaked
key must not be able to lock the administrators out or take over their accounts.
"""

import django_filters
from django.conf import settings
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import filters, mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, Throttled
from rest_framework.response import Response

from accounts import invitations, services, throttling
from accounts.models import User

from .authentication import ApiKeyAuthentication, request_api_key
from .base import ApiViewMixin
from .conditional import ETagMixin, etag_of
from .errors import Conflict
from .filters import MomentFilter
from .pagination import Pages
from .permissions import HasScope
from .schema import ETAG, IF_MATCH

LANGUAGE_CHOICES = [("", "")] + [(code, code) for code, _name in settings.LANGUAGES]


def api_key_names(request) -> dict:
    """How the audit trail names the author of a change made with an API key."""
    return {"api_key": request_api_key(request).name}


def base_url(request) -> str:
    return request.build_absolute_uri("/").rstrip("/")


class UserSerializer(serializers.ModelSerializer):
    locked = serializers.SerializerMethodField(help_text="Locked by an administrator: cannot sign in.")
    password_set = serializers.SerializerMethodField(
        help_text="False until the person chose a password (invitation), and after a forced reset.")
    preferred_language = serializers.ChoiceField(choices=LANGUAGE_CHOICES, required=False, allow_blank=True)

    class Meta:
        model = User
        fields = ["id", "email", "first_name", "last_name", "preferred_language", "preferred_method", "is_active",
                  "is_staff", "locked", "locked_at", "password_set", "date_joined", "last_login"]
        read_only_fields = ["preferred_method", "is_active", "is_staff", "locked_at", "date_joined", "last_login"]

    def get_locked(self, user) -> bool:
        return user.locked_at is not None

    def get_password_set(self, user) -> bool:
        return user.has_usable_password()


class UserCreateSerializer(UserSerializer):
    """The email is given once, at creation: it is the account's identifier."""

    def validate_email(self, value: str) -> str:
        value = User.objects.normalize_email(value.strip())
        if User.objects.filter(email__iexact=value).exists():
            raise serializers.ValidationError(_("An account with this email address exists already."), code="taken")
        return value


class UserUpdateSerializer(UserSerializer):
    class Meta(UserSerializer.Meta):
        read_only_fields = [*UserSerializer.Meta.read_only_fields, "email"]


class UserFilter(django_filters.FilterSet):
    email = django_filters.CharFilter(field_name="email", lookup_expr="iexact", help_text="Exactly this address (any case).")
    locked = django_filters.BooleanFilter(field_name="locked_at", lookup_expr="isnull", exclude=True,
                                          help_text="Locked (true) or not (false).")
    joined_after = MomentFilter(field_name="date_joined", lookup_expr="gte")
    joined_before = MomentFilter(field_name="date_joined", lookup_expr="lt")

    class Meta:
        model = User
        fields = ["email", "is_active", "is_staff", "locked", "joined_after", "joined_before"]


@extend_schema_view(
    list=extend_schema(summary="Search accounts"),
    retrieve=extend_schema(summary="Read an account", parameters=[ETAG]),
    create=extend_schema(summary="Create an account and email the person an invitation to choose a password",
                         request=UserCreateSerializer, responses={201: UserSerializer}, parameters=[ETAG]),
    update=extend_schema(summary="Change an account", parameters=[IF_MATCH, ETAG],
                         request=UserUpdateSerializer),
    partial_update=extend_schema(summary="Change some fields of an account", parameters=[IF_MATCH, ETAG],
                                 request=UserUpdateSerializer),
    destroy=extend_schema(summary="Delete an account and erase the person's data"),
)
class UserViewSet(ApiViewMixin, ETagMixin, mixins.CreateModelMixin, mixins.RetrieveModelMixin, mixins.UpdateModelMixin,
                  mixins.DestroyModelMixin, mixins.ListModelMixin, viewsets.GenericViewSet):
    authentication_classes = [ApiKeyAuthentication]
    permission_classes = [HasScope]
    read_scope, write_scope = "users:read", "users:write"
    queryset = User.objects.order_by("id")
    serializer_class = UserSerializer
    pagination_class = Pages
    filter_backends = [django_filters.rest_framework.DjangoFilterBackend, filters.SearchFilter, filters.OrderingFilter]
    filterset_class = UserFilter
    search_fields = ["email", "first_name", "last_name"]
    ordering_fields = ["id", "email", "last_name", "date_joined", "last_login"]

    def get_serializer_class(self):
        if self.action == "create":
            return UserCreateSerializer
        if self.action in ("update", "partial_update"):
            return UserUpdateSerializer
        return UserSerializer

    def get_object(self):
        user = super().get_object()
        if self.request.method not in ("GET", "HEAD", "OPTIONS") and (user.is_staff or user.is_superuser):
            raise PermissionDenied(_("Staff accounts are managed in the administration site, not through the API."),
                                   code="staff_account")
        return user

    def etag_for(self, instance) -> str:
        return etag_of(UserSerializer(instance).data)

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        try:
            user = invitations.user_invite(
                email=data["email"], first_name=data.get("first_name", ""), last_name=data.get("last_name", ""),
                preferred_language=data.get("preferred_language", ""), base_url=base_url(request), request=request,
                **api_key_names(request),
            )
        except invitations.EmailTaken:
            raise Conflict(_("An account with this email address exists already."), code="taken") from None
        response = Response(UserSerializer(user).data, status=status.HTTP_201_CREATED)
        response["Location"] = f"{request.path}{user.pk}/"
        return self.with_etag(response)

    def perform_update(self, serializer):
        user, data = serializer.instance, serializer.validated_data
        serializer.instance = services.user_personal_data_update(
            user=user, first_name=data.get("first_name", user.first_name), last_name=data.get("last_name", user.last_name),
            preferred_language=data.get("preferred_language", user.preferred_language), request=self.request,
            **api_key_names(self.request),
        )

    def perform_destroy(self, user):
        services.user_erase(user=user, request=self.request, **api_key_names(self.request))

    def _answer(self, user) -> Response:
        user.refresh_from_db()
        return self.with_etag(Response(UserSerializer(user).data))

    @extend_schema(summary="Lock an account: it cannot sign in, and every session of it ends", request=None,
                   responses={200: UserSerializer}, parameters=[ETAG])
    @action(detail=True, methods=["post"])
    def lock(self, request, pk=None):
        user = self.get_object()
        services.user_lock(user=user, request=request, **api_key_names(request))
        return self._answer(user)

    @extend_schema(summary="Unlock an account, and clear its failed sign-ins", request=None,
                   responses={200: UserSerializer}, parameters=[ETAG])
    @action(detail=True, methods=["post"])
    def unlock(self, request, pk=None):
        user = self.get_object()
        services.user_unlock(user=user, request=request, **api_key_names(request))
        return self._answer(user)

    @extend_schema(summary="Force a password reset: the password stops working, every session ends, and the "
                           "person is emailed a link to choose a new one", request=None,
                   responses={200: UserSerializer}, parameters=[ETAG])
    @action(detail=True, methods=["post"], url_path="password-reset")
    def password_reset(self, request, pk=None):
        user = self.get_object()
        address_ok, _ip_ok = throttling.email_request_allowed(action="password_reset", email=user.email, ip=None)
        if not address_ok:
            # The same limit as "Mot de passe perdu": a mailbox is not flooded, by anyone.
            raise Throttled(detail=_("Too many emails were sent to this address. Please try again in an hour."))
        services.user_password_reset_force(user=user, base_url=base_url(request), request=request,
                                           **api_key_names(request))
        return self._answer(user)

    @extend_schema(summary="End every session of the account (and its single sign-on sessions)", request=None,
                   responses={200: UserSerializer}, parameters=[ETAG])
    @action(detail=True, methods=["post"], url_path="sessions/end")
    def sessions_end(self, request, pk=None):
        user = self.get_object()
        services.user_sessions_end_all(user=user, request=request, **api_key_names(request))
        return self._answer(user)

