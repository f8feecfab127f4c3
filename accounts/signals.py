from django.dispatch import Signal

# Sent when a signed-in session ends for any reason: sign-out, ended from "Afficher mes
# sessions", password change, PANIC, account deletion. Arguments: user, session_key.
# The CAS server listens to end the SSO session (TGT) bound to it and send single logout.
session_ended = Signal()

# Sent when a signed-in session keeps going under a new key (after "Modifier le mot de
# passe", the key is rotated like at sign-in). Arguments: user, old_session_key,
# new_session_key. Whatever is bound to the session key should follow it.
session_key_rotated = Signal()
