from django.urls import path

from . import views

app_name = "countries"

urlpatterns = [
    # Public country pages
    path("countries/", views.country_list, name="country_list"),
    path("countries/<str:iso2>/", views.country_detail, name="country_detail"),
    # Public regions: the world map, and each region, sub-region or intermediate region
    path("regions/", views.region_map, name="region_map"),
    path("regions/<slug:slug>/", views.region_detail, name="region_detail"),
    # The link in an invitation e-mail
    path("invitations/<str:token>/", views.invitation_accept, name="invitation_accept"),
    # A country's workspace: its members (focal points manage) and ITC staff
    path("workspace/", views.workspace_home, name="workspace_home"),
    path("workspace/<str:iso2>/", views.workspace, name="workspace"),
    path("workspace/<str:iso2>/profile/", views.profile_edit, name="profile_edit"),
    path("workspace/<str:iso2>/team/", views.team, name="team"),
    path("workspace/<str:iso2>/team/invite/", views.invite_member, name="invite_member"),
    path("workspace/<str:iso2>/team/<int:member_id>/role/", views.change_role, name="change_role"),
    path("workspace/<str:iso2>/team/<int:member_id>/remove/", views.remove_member, name="remove_member"),
    path("workspace/<str:iso2>/team/<int:member_id>/hand-over/", views.hand_over, name="hand_over"),
    path("workspace/<str:iso2>/invitations/<int:invitation_id>/revoke/", views.revoke_invitation, name="revoke_invitation"),
    path("workspace/<str:iso2>/invitations/<int:invitation_id>/resend/", views.resend_invitation, name="resend_invitation"),
    path("workspace/<str:iso2>/history/", views.history, name="history"),
    # ITC staff
    path("staff/", views.staff_dashboard, name="staff_dashboard"),
    path("staff/invite/", views.staff_invite, name="staff_invite"),
]
