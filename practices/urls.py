from django.urls import path

from . import api, feeds, translation_views, views

app_name = "practices"

urlpatterns = [
    # A country's practices, in its workspace
    path("workspace/<str:iso2>/practices/", views.practice_list, name="workspace_list"),
    path("workspace/<str:iso2>/practices/new/", views.practice_create, name="practice_create"),
    path("workspace/<str:iso2>/practices/<int:pk>/", views.workspace_detail, name="workspace_detail"),
    path("workspace/<str:iso2>/practices/<int:pk>/edit/", views.practice_edit, name="practice_edit"),
    path("workspace/<str:iso2>/practices/<int:pk>/submit/", views.practice_submit, name="practice_submit"),
    path("workspace/<str:iso2>/practices/<int:pk>/discard/", views.practice_discard, name="practice_discard"),
    path("workspace/<str:iso2>/practices/<int:pk>/new-version/", views.practice_revise, name="practice_revise"),
    path("workspace/<str:iso2>/practices/<int:pk>/archive/", views.practice_archive, name="practice_archive"),
    path("workspace/<str:iso2>/practices/<int:pk>/restore/", views.practice_restore, name="practice_restore"),
    path("workspace/<str:iso2>/practices/<int:pk>/documents/", views.attachment_add, name="attachment_add"),
    # Sharing with other countries: the owner's side proposes, withdraws and removes; the co-owner leaves
    path("workspace/<str:iso2>/practices/<int:pk>/co-owners/", views.share_propose, name="share_propose"),
    path(
        "workspace/<str:iso2>/practices/<int:pk>/co-owners/proposals/<int:share_id>/withdraw/",
        views.share_withdraw,
        name="share_withdraw",
    ),
    path(
        "workspace/<str:iso2>/practices/<int:pk>/co-owners/<str:co_owner>/remove/",
        views.co_owner_remove,
        name="co_owner_remove",
    ),
    path("workspace/<str:iso2>/practices/<int:pk>/leave/", views.co_owner_leave, name="co_owner_leave"),
    # ...and the invited country answers, from its own workspace
    path("workspace/<str:iso2>/shared-with-us/<int:share_id>/accept/", views.share_accept, name="share_accept"),
    path("workspace/<str:iso2>/shared-with-us/<int:share_id>/decline/", views.share_decline, name="share_decline"),
    path(
        "workspace/<str:iso2>/practices/<int:pk>/documents/<int:attachment_id>/",
        views.attachment_download,
        name="attachment_download",
    ),
    path(
        "workspace/<str:iso2>/practices/<int:pk>/documents/<int:attachment_id>/remove/",
        views.attachment_remove,
        name="attachment_remove",
    ),
    path("workspace/<str:iso2>/practices/<int:pk>/compare/", views.version_compare, name="version_compare"),
    path("workspace/<str:iso2>/practices/<int:pk>/saved/<int:save_id>/", views.saved_text, name="saved_text"),
    # Translations: those of the country's practices, and those its delegates write for other countries
    path("workspace/<str:iso2>/translations/", translation_views.translation_list, name="translation_list"),
    path("workspace/<str:iso2>/translations/<int:pk>/", translation_views.translation_edit, name="translation_edit"),
    path("workspace/<str:iso2>/translations/<int:pk>/discard/", translation_views.translation_discard, name="translation_discard"),
    # Any delegate (and ITC) starts one from a published practice's page, public or in a workspace
    path("practices/<int:pk>/translate/", translation_views.translation_start, name="translation_start"),
    # Any signed-in reader asks for a published practice in another working language, and may withdraw the request
    path("practices/<int:pk>/ask-for-translation/", translation_views.translation_ask, name="translation_ask"),
    path("practices/<int:pk>/ask-for-translation/withdraw/", translation_views.translation_ask_withdraw, name="translation_ask_withdraw"),
]

urlpatterns += [
    # ITC moderation
    path("staff/reviews/", views.review_queue, name="review_queue"),
    path("staff/notifications/", views.notification_settings, name="notification_settings"),
    path("staff/versions/<int:pk>/restore/", views.revision_restore, name="revision_restore"),
    path("staff/reviews/<int:pk>/", views.review, name="review"),
    path("staff/reviews/<int:pk>/claim/", views.review_claim, name="review_claim"),
    path("staff/reviews/<int:pk>/publish/", views.review_publish, name="review_publish"),
    path("staff/reviews/<int:pk>/tags/", views.review_tags, name="review_tags"),
    path("staff/reviews/<int:pk>/request-changes/", views.review_request_changes, name="review_request_changes"),
    path("staff/reviews/<int:pk>/reject/", views.review_reject, name="review_reject"),
    path("staff/translations/", translation_views.translation_queue, name="translation_queue"),
    path("staff/translations/coverage/", translation_views.translation_coverage, name="translation_coverage"),
    path("staff/translations/<int:pk>/", translation_views.translation_review, name="translation_review"),
    path("staff/translations/<int:pk>/publish/", translation_views.translation_publish, name="translation_publish"),
    path(
        "staff/translations/<int:pk>/request-changes/",
        translation_views.translation_request_changes,
        name="translation_request_changes",
    ),
    path("staff/translations/<int:pk>/reject/", translation_views.translation_reject, name="translation_reject"),
    path("staff/import/", views.import_start, name="import_start"),
    path("staff/import/template.csv", views.import_template_csv, name="import_template_csv"),
    path("staff/import/template.xlsx", views.import_template_xlsx, name="import_template_xlsx"),
    path("staff/import/<int:pk>/", views.import_preview, name="import_preview"),
    path("staff/import/<int:pk>/confirm/", views.import_confirm, name="import_confirm"),
    # Public
    path("practices/", views.browse, name="browse"),
    path("practices/compare/", views.compare_practices, name="compare"),
    path("practices/<int:pk>/", views.practice_detail, name="practice_detail"),
    path("practices/<int:pk>/documents/<int:attachment_id>/", views.public_attachment_download, name="public_attachment"),
    path("practices/<int:pk>/changes/", views.practice_changes, name="practice_changes"),
    # Open data: the browse page's results as files and feeds, and what they hold
    path("practices/export.csv", api.export_csv, name="export_csv"),
    path("practices/export.json", api.export_json, name="export_json"),
    path("practices/export.xlsx", api.export_xlsx, name="export_xlsx"),
    path("feeds/practices/", feeds.LatestPracticesFeed(), name="feed_latest"),
    path("feeds/regions/<slug:slug>/", feeds.RegionFeed(), name="feed_region"),
    path("feeds/countries/<str:iso2>/", feeds.CountryFeed(), name="feed_country"),
    path("feeds/themes/<slug:slug>/", feeds.ThemeFeed(), name="feed_theme"),
    path("feeds/search/", feeds.SearchFeed(), name="feed_search"),
    path("open-data/", views.open_data, name="open_data"),
    path("open-data/dataset/<str:name>", views.dataset_file, name="dataset_file"),
]
