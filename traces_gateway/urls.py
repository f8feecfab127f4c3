app_name = "traces_gateway"
urlpatterns: list = []
