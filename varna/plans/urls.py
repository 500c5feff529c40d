"""Action plan URLs: the plans, their actions and the adoption record; the yearly review; the exports."""

from django.urls import URLPattern, path

from varna.plans import views, views_history, views_review

app_name = "plans"
urlpatterns: list[URLPattern] = [
    path("", views.plan_list, name="list"),
    path("new/", views.plan_new, name="new"),
    path("<int:pk>/", views.plan_detail, name="detail"),
    path("<int:pk>/edit/", views.plan_edit, name="edit"),
    path("<int:pk>/adopt/", views.plan_adopt, name="adopt"),
    path("<int:pk>/history/", views_history.plan_history, name="history"),
    path("<int:pk>/actions/new/", views.action_new, name="action_new"),
    path("<int:pk>/pdf/", views_review.plan_pdf, name="pdf"),
    path("<int:pk>/xlsx/", views_review.plan_xlsx, name="xlsx"),
    path("actions/<int:pk>/edit/", views.action_edit, name="action_edit"),
    path("actions/<int:pk>/status/", views.action_status, name="action_status"),
    path("actions/<int:pk>/delete/", views.action_delete, name="action_delete"),
    path("review/", views_review.review, name="review"),
    path("review/<int:node>/<int:year>/", views_review.review_edit, name="review_edit"),
]
