from django.urls import path

from . import views

urlpatterns = [
    path("finansiering/", views.simulator_page, name="financing-simulator"),
    path("finansiering/simulering.xlsx", views.simulator_excel, name="financing-excel"),
    path("finansiering/budsjetter/", views.budget_list, name="financing-budgets"),
    path("finansiering/budsjetter/<int:pk>/", views.budget_detail, name="financing-budget"),
    path("finansiering/budsjetter/<int:pk>/budsjett.xlsx", views.budget_excel,
         name="financing-budget-excel"),
    path("finansiering/regnskap/", views.accounts_page, name="financing-accounts"),
    path("finansiering/regnskap.xlsx", views.accounts_excel, name="financing-accounts-excel"),
]
