"""Self-service: what "Mon compte" offers, for the person signed in through the browser.

The same session and the same rules as the pages: CSRF on writes, the password proved
recently and a fresh second factor before changing factors, the same brute-force and SMS
limits, the same emails. Every write goes through the services the pages use.
"""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound, PermissionDenied, Throttled
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts import selectors as account_selectors
from accounts import services as account_services
from accounts import throttling
from accounts.audit import audit_event_record
from accounts.decorators import has_recent_authentication
from accounts.factors import PASSWORD, factor_proved
from accounts.forms import ConfigureForm, PasswordConfirmForm, PersonalDataForm
from accounts.http import client_ip
from accounts.models import AuditEvent

from .authentication import BrowserSessionAuthentication
from .base import ApiViewMixin
from .conditional import etag_of, precondition_check
from .errors import Conflict
from .forms import form_cleaned
from .permissions import IsPerson
from .schema import ETAG, IF_MATCH_OPTIONAL
from .users import LANGUAGE_CHOICES


class PersonView(ApiViewMixin, APIView):
    authentication_classes = [BrowserSessionAuthentication]
    permission_classes = [IsPerson]


def recent_password_required(request) -> None:
    if not has_recent_authentication(request):
        raise PermissionDenied(_("Confirm your password first (POST /api/v1/me/reauthenticate/)."),
                               code="recent_password_required")


# --- me ----------------------------------------------------------------------------------


class MeSerializer(serializers.Serializer):
    email = serializers.EmailField(read_only=True)
    first_name = serializers.CharField(max_length=150)
    last_name = serializers.CharField(max_length=150)
    preferred_language = serializers.ChoiceField(choices=LANGUAGE_CHOICES, allow_blank=True)
    preferred_method = serializers.CharField(allow_blank=True, max_length=32,
                                             help_text="PASSWORD, SMS …, or empty: the method used last.")
    domain = serializers.CharField(read_only=True, source="domain_label", help_text="Internal or External.")
    date_joined = serializers.DateTimeField(read_only=True)
    strength = serializers.SerializerMethodField(help_text="What this session proved, e.g. PASSWORD_SMS.")

    def get_strength(self, user) -> str:
        from accounts.factors import session_strength

        return session_strength(self.context["request"])

    def to_representation(self, user):
        data = super().to_representation(user)
        data["domain"] = str(data["domain"])
        return data


class MeView(PersonView):
    """My personal data, language and preferred method ("Mes données personnelles",
    "Configurer mon compte")."""

    def _answer(self, request) -> Response:
        data = MeSerializer(request.user, context={"request": request}).data
        response = Response(data)
        response["ETag"] = etag_of({k: v for k, v in data.items() if k != "strength"})
        return response

    @extend_schema(summary="Read my account", responses={200: MeSerializer}, parameters=[ETAG])
    def get(self, request):
        return self._answer(request)

    @extend_schema(summary="Change my personal data, language or preferred method",
                   request=MeSerializer(partial=True), responses={200: MeSerializer},
                   parameters=[IF_MATCH_OPTIONAL, ETAG])
    def patch(self, request):
        user = request.user
        current = MeSerializer(user, context={"request": request}).data
        precondition_check(request, etag_of({k: v for k, v in current.items() if k != "strength"}), required=False)
        incoming = MeSerializer(user, data=request.data, partial=True, context={"request": request})
        incoming.is_valid(raise_exception=True)
        values = {**{k: getattr(user, k) for k in ("first_name", "last_name", "preferred_language",
                                                  "preferred_method")}, **incoming.validated_data}
        personal = form_cleaned(PersonalDataForm({k: values[k] for k in ("first_name", "last_name",
                                                                          "preferred_language")}))
        configured = form_cleaned(ConfigureForm({"preferred_language": values["preferred_language"],
                                                 "preferred_method": values["preferred_method"]}))
        account_services.user_personal_data_update(user=user, request=request, **personal)
        account_services.user_configure(user=user, request=request, **configured)
        return self._answer(request)


class PasswordSerializer(serializers.Serializer):
    password = serializers.CharField(write_only=True, trim_whitespace=False, max_length=4096)


class ReauthenticateView(PersonView):
    """The password again, before sensitive changes: it counts towards the sign-in
    brute-force limits, exactly like the page."""

    @extend_schema(summary="Confirm my password (recent authentication)", request=PasswordSerializer,
                   responses={204: None})
    def post(self, request):
        email, ip = request.user.email, client_ip(request)
        if throttling.signin_locked_until(email=email, ip=ip):
            raise Throttled(detail=_("Too many failed attempts. Please try again later."))
        data = PasswordSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        form = PasswordConfirmForm(data.validated_data, user=request.user)
        if not form.is_valid() and "password" in form.errors:
            throttling.signin_failure_record(email=email, ip=ip)
            audit_event_record(kind=AuditEvent.Kind.SIGNIN_FAILED, request=request, reason="reauthentication")
        form_cleaned(form)
        throttling.signin_success_record(email=email)
        factor_proved(request, kind=PASSWORD)
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- sessions ----------------------------------------------------------------------------


class SessionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    browser = serializers.CharField()
    os = serializers.CharField()
    device = serializers.CharField()
    ip_address = serializers.IPAddressField(allow_null=True)
    created_at = serializers.DateTimeField()
    last_activity_at = serializers.DateTimeField()
    is_current = serializers.BooleanField()


class SessionsView(PersonView):
    @extend_schema(summary="List my open sessions, this one first", responses={200: SessionSerializer(many=True)})
    def get(self, request):
        rows = account_selectors.user_sessions_list(user=request.user, current_session_key=request.session.session_key)
        return Response(SessionSerializer(rows, many=True).data)


class SessionView(PersonView):
    @extend_schema(summary="End one of my other sessions", responses={204: None})
    def delete(self, request, session_id: int):
        session = account_selectors.user_session_get(user=request.user, session_id=session_id)
        if session is None:
            raise NotFound
        if session.session_key == request.session.session_key:
            raise Conflict(_("This is the session you are using: sign out to end it."), code="current_session")
        account_services.user_session_end(user=request.user, session_key=session.session_key, request=request)
        return Response(status=status.HTTP_204_NO_CONTENT)


class SessionsEndOthersView(PersonView):
    @extend_schema(summary="End all my other sessions", request=None,
                   responses={200: inline_serializer("SessionsEnded", {"ended": serializers.IntegerField()})})
    def post(self, request):
        count = account_services.user_sessions_end_all(user=request.user, request=request,
                                                       except_session_key=request.session.session_key)
        return Response({"ended": count})

