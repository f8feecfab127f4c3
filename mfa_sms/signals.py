from django.dispatch import Signal

# Sent when an SMS of the log changes status (its row moves by queryset updates, which
# post_save does not see), and when an attempt fails and will be retried ("retrying").
# Arguments: message_id, status, error_code. Metrics listen (observability.metrics).
sms_status_changed = Signal()
