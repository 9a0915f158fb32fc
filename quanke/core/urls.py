from django.contrib.auth import views as auth_views
from django.urls import path

from quanke.core import views

app_name = "core"
urlpatterns = [
    path("", views.home, name="home"),
    path("login/", auth_views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("audit/", views.audit_list, name="audit_list"),
    path("account/two-factor/", views.otp_setup, name="otp_setup"),
    path("account/two-factor/verify/", views.otp_verify, name="otp_verify"),
]
