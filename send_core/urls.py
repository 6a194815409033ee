"""A school's SEND pages."""

urlpatterns: list = []
