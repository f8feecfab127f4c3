from django.dispatch import Signal

# Sent when a signed-in session ends for any reason: sign-out, ended from "Afficher mes
# sessions", password change, PANIC, account deletion. Arguments: user, session_key.
# The CAS server listens to end the SSO session (TGT) bound to it and send single logout.
session_ended = Signal()
