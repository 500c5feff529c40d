"""Governing document URLs: the list, one document, its versions and their files, the revision list, the
preparedness plan and the links from risks, measures and actions."""

from django.urls import URLPattern, path

from varna.documents import views

app_name = "documents"
urlpatterns: list[URLPattern] = [
    path("", views.document_list, name="list"),
    path("new/", views.document_new, name="new"),
    path("revision/", views.revision_due, name="revision_due"),
    path("preparedness/", views.preparedness, name="preparedness"),
    path("<int:pk>/", views.document_detail, name="detail"),
    path("<int:pk>/edit/", views.document_edit, name="edit"),
    path("<int:pk>/versions/new/", views.version_new, name="version_new"),
    path("versions/<int:pk>/edit/", views.version_edit, name="version_edit"),
    path("versions/<int:pk>/adopt/", views.version_adopt, name="version_adopt"),
    path("versions/<int:pk>/file/", views.version_download, name="download"),
    path("links/add/", views.link_add, name="link_add"),
    path("links/<int:pk>/remove/", views.link_remove, name="link_remove"),
]
