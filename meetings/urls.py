from django.urls import path

from . import views


app_name = "meetings"

urlpatterns = [
    # --- Meetings ---
    # Public: upcoming and past meetings, each meeting's page, documents and calendar file
    path("meetings/", views.meeting_list, name="meeting_list"),
    path("meetings/calendar.ics", views.meeting_calendar_feed, name="meeting_calendar_feed"),
    path("meetings/<slug:slug>/", views.meeting_detail, name="meeting_detail"),
    path("meetings/<slug:slug>/calendar.ics", views.meeting_calendar, name="meeting_calendar"),
    path("meetings/<slug:slug>/documents/<int:document_id>/", views.meeting_document, name="meeting_document"),
    # A country's workspace: its participation and presentations (focal points declare)
    path("workspace/<str:iso2>/meetings/", views.workspace_meeting_list, name="workspace_meeting_list"),
    path("workspace/<str:iso2>/meetings/<int:pk>/participation/", views.workspace_participation, name="workspace_participation"),
    path("workspace/<str:iso2>/meetings/<int:pk>/presentations/new/", views.workspace_presentation, name="workspace_presentation"),
    # ITC staff: meetings, their agenda and documents; the declarations to confirm
    path("staff/meetings/", views.staff_meeting_list, name="staff_meeting_list"),
    path("staff/meetings/new/", views.staff_meeting_create, name="staff_meeting_create"),
    path("staff/meetings/<int:pk>/", views.staff_meeting, name="staff_meeting"),
    path("staff/meetings/<int:pk>/edit/", views.staff_meeting_edit, name="staff_meeting_edit"),
    path("staff/meetings/<int:pk>/publish/", views.staff_meeting_publish, name="staff_meeting_publish"),
    path("staff/meetings/<int:pk>/unpublish/", views.staff_meeting_unpublish, name="staff_meeting_unpublish"),
    path("staff/meetings/<int:pk>/agenda/", views.staff_agenda_add, name="staff_agenda_add"),
    path("staff/meetings/<int:pk>/agenda/<int:item_id>/", views.staff_agenda_edit, name="staff_agenda_edit"),
    path("staff/meetings/<int:pk>/agenda/<int:item_id>/remove/", views.staff_agenda_remove, name="staff_agenda_remove"),
    path("staff/meetings/<int:pk>/agenda/<int:item_id>/move/", views.staff_agenda_move, name="staff_agenda_move"),
    path("staff/meetings/<int:pk>/documents/", views.staff_document_add, name="staff_document_add"),
    path("staff/meetings/<int:pk>/documents/<int:document_id>/", views.staff_document_download, name="staff_document_download"),
    path("staff/meetings/<int:pk>/documents/<int:document_id>/remove/", views.staff_document_remove, name="staff_document_remove"),
    path("staff/meetings/participations/<int:pk>/confirm/", views.staff_participation_confirm, name="staff_participation_confirm"),
    path("staff/meetings/participations/<int:pk>/decline/", views.staff_participation_decline, name="staff_participation_decline"),
    path("staff/meetings/presentations/<int:pk>/confirm/", views.staff_presentation_confirm, name="staff_presentation_confirm"),
    path("staff/meetings/presentations/<int:pk>/decline/", views.staff_presentation_decline, name="staff_presentation_decline"),
    # --- The Call to Action ---
    path("call-to-action/", views.call_to_action, name="call_to_action"),
    path("call-to-action/stories/<int:pk>/", views.call_to_action_story, name="cta_story"),
    path("workspace/<str:iso2>/call-to-action/", views.cta_workspace, name="cta_workspace"),
    path("workspace/<str:iso2>/call-to-action/endorsement/", views.cta_declare_endorsement, name="cta_declare_endorsement"),
    path("workspace/<str:iso2>/call-to-action/stories/new/", views.cta_story_create, name="cta_story_create"),
    path("workspace/<str:iso2>/call-to-action/stories/<int:pk>/", views.cta_story_workspace, name="cta_story_workspace"),
    path("workspace/<str:iso2>/call-to-action/stories/<int:pk>/edit/", views.cta_story_edit, name="cta_story_edit"),
    path("workspace/<str:iso2>/call-to-action/stories/<int:pk>/submit/", views.cta_story_submit, name="cta_story_submit"),
    path("staff/call-to-action/", views.cta_staff, name="cta_staff"),
    path("staff/call-to-action/endorsements/new/", views.cta_record_endorsement, name="cta_record_endorsement"),
    path("staff/call-to-action/endorsements/<int:pk>/confirm/", views.cta_confirm_endorsement, name="cta_confirm_endorsement"),
    path("staff/call-to-action/endorsements/<int:pk>/decline/", views.cta_decline_endorsement, name="cta_decline_endorsement"),
    path("staff/call-to-action/deliverables/<int:pk>/", views.cta_deliverable, name="cta_deliverable"),
    path("staff/call-to-action/deliverables/<int:pk>/progress/", views.cta_deliverable_update, name="cta_deliverable_update"),
    path("staff/call-to-action/deliverables/<int:pk>/events/", views.cta_deliverable_event, name="cta_deliverable_event"),
    path("staff/call-to-action/stories/", views.cta_story_queue, name="cta_story_queue"),
    path("staff/call-to-action/stories/<int:pk>/", views.cta_story_review, name="cta_story_review"),
    path("staff/call-to-action/stories/<int:pk>/publish/", views.cta_story_publish, name="cta_story_publish"),
    path("staff/call-to-action/stories/<int:pk>/request-changes/", views.cta_story_request_changes, name="cta_story_request_changes"),
    path("staff/call-to-action/stories/<int:pk>/reject/", views.cta_story_reject, name="cta_story_reject"),
]
