app_name = "mfa_sms"
urlpatterns: list = []
