from django.urls import path

from varna.core import views, views_import, views_outbox, views_retention

app_name = "core"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("healthz", views.healthz, name="healthz"),
    path("login/", views.login, name="login"),
    path("logout/", views.logout, name="logout"),
    path("i18n/setlang/", views.set_language, name="set_language"),
    path("organisation/", views.organisation_tree, name="organisation"),
    path("organisation/<int:pk>/", views.node_detail, name="node_detail"),
    path("organisation/<int:pk>/history/", views.node_history, name="node_history"),
    path("roles/", views.security_roles, name="security_roles"),
    path("roles/<int:pk>/end/", views.role_end, name="role_end"),
    path("people/", views.people, name="people"),
    path("people/<int:pk>/", views.person_detail, name="person_detail"),
    path("people/<int:pk>/roles/", views.person_add_role, name="person_add_role"),
    path("people/<int:pk>/history/", views.person_history, name="person_history"),
    path("bodies/", views.bodies, name="bodies"),
    path("bodies/<int:pk>/", views.body_detail, name="body_detail"),
    path("bodies/<int:pk>/history/", views.body_history, name="body_history"),
    path("import/", views_import.import_start, name="import"),
    path("import/<uuid:token>/", views_import.import_confirm, name="import_confirm"),
    path("outbox/", views_outbox.outbox_list, name="outbox"),
    path("outbox/<int:pk>/retry/", views_outbox.outbox_retry, name="outbox_retry"),
    path("retention/", views_retention.schedule, name="retention"),
    path("retention/<int:pk>/", views_retention.rule_edit, name="retention_rule"),
    path("retention/due/", views_retention.due, name="retention_due"),
    path("retention/approve/", views_retention.batch_approve, name="retention_approve"),
    path("retention/discard/", views_retention.batch_discard, name="retention_discard"),
    path("retention/holds/", views_retention.hold_place, name="retention_hold"),
    path("retention/holds/lift/", views_retention.hold_lift, name="retention_hold_lift"),
    path("retention/archive/", views_retention.archive_package, name="retention_archive"),
    path("register-extract/", views_retention.register_extract, name="register_extract"),
    path("register-extract/produce/", views_retention.register_extract_produce, name="register_extract_produce"),
]
