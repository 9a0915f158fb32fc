from django.urls import path

from quanke.catalog import knowledge_views, views

app_name = "catalog"
urlpatterns = [
    path("", views.item_list, name="item_list"),
    path("knowledge/", knowledge_views.document_list, name="kb_list"),
    path("knowledge/<int:pk>/", knowledge_views.document_detail, name="kb_detail"),
    path("knowledge/<int:pk>/supersede/", knowledge_views.document_supersede, name="kb_supersede"),
    path("<str:code>/", views.item_detail, name="item_detail"),
    path("<str:code>/toggle/", views.item_toggle, name="item_toggle"),
]
