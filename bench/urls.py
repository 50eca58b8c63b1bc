from django.urls import path

from smeplatform.urls import urlpatterns as platform_urlpatterns

from . import views

urlpatterns = [path("bench/floor", views.floor), *platform_urlpatterns]
