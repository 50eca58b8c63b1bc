from allauth.account.decorators import secure_admin_login
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from . import views
from .sitemaps import SITEMAPS

# The admin signs in through allauth: same rate limits, same two-factor step.
admin.site.login = secure_admin_login(admin.site.login)
admin.site.site_header = _("SME Policy Platform administration")
admin.site.site_title = _("SME Policy Platform")

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("admin/", admin.site.urls),
    # For search engines: one address each, whatever the language.
    path("robots.txt", views.robots_txt, name="robots_txt"),
    path("favicon.ico", views.favicon, name="favicon"),
    path("sitemap.xml", sitemap, {"sitemaps": SITEMAPS}, name="sitemap"),
    # The read-only JSON API: one address whatever the language.
    path("api/", include("practices.api_urls")),
]

urlpatterns += i18n_patterns(
    path("", views.home, name="home"),
    # The footer's pages.
    path("about/", views.about, name="about"),
    path("accessibility/", views.accessibility, name="accessibility"),
    path("privacy/", views.privacy, name="privacy"),
    path("terms/", views.terms, name="terms"),
    path("contact/", views.contact, name="contact"),
    path("accounts/", include("allauth.urls")),
    path("", include("countries.urls")),
    path("", include("practices.urls")),
    path("", include("meetings.urls")),
)

handler403 = "smeplatform.views.permission_denied"
handler404 = "smeplatform.views.page_not_found"
handler500 = "smeplatform.views.server_error"
