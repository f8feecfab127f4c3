app_name = "cas"
urlpatterns: list = []
