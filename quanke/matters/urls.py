from django.urls import path

from quanke.matters import views

app_name = "matters"
urlpatterns = [
    path("", views.matter_list, name="list"),
    path("desk/", views.desk, name="desk"),
    path("desk/residents/", views.desk_residents, name="desk_residents"),
    path("desk/items/", views.item_picker, name="item_picker"),
    path("desk/checklist/", views.desk_checklist, name="desk_checklist"),
    path("notice/", views.notice_preview, name="notice_preview"),
    path("queue/", views.queue, name="queue"),
    path("head/", views.head_dashboard, name="head"),
    path("<str:code>/", views.matter_detail, name="detail"),
    path("<str:code>/act/<str:action>/", views.matter_act, name="act"),
    path("<str:code>/notice/", views.matter_notice, name="notice"),
    path("<str:code>/notice.pdf", views.matter_notice, {"pdf": True}, name="notice_pdf"),
    path("<str:code>/receipt/", views.matter_receipt, name="receipt"),
]
