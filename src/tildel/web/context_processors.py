"""Navigation by role: each role sees the screens it may use."""

from __future__ import annotations

from django.urls import reverse

from tildel.accounts.models import Role

PERSON_ROLES = {Role.CASEWORKER, Role.OFFICE_LEADER, Role.PROVIDER_LEADER,
                Role.PROVIDER_STAFF}


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    items = [("Arbeidsområde", reverse("home"))]
    if user.role in PERSON_ROLES:
        items.append(("Personsøk", reverse("person-search")))
    if user.is_office_role:
        items.insert(1, ("Min arbeidskø", reverse("my-queue")))
        items.append(("Ny henvendelse", reverse("case-new")))
        items.append(("Revurderinger", reverse("revisions-due")))
        items.append(("Endringsmeldinger", reverse("change-requests")))
        items.append(("Forløp", reverse("pathway-list")))
        items.append(("Varsler", reverse("quality-alerts")))
        items.append(("Registrer person", reverse("person-create")))
    if user.role == Role.OFFICE_LEADER:
        items.insert(2, ("Køoversikt", reverse("office-queues")))
    if user.is_provider_role:
        items.insert(1, ("Bestillinger", reverse("orders-inbox")))
        items.insert(2, ("Forløp", reverse("pathway-list")))
        items.insert(3, ("Hverdagsrehabilitering", reverse("course-list")))
        if user.role == Role.PROVIDER_LEADER:
            items.append(("Varsler", reverse("quality-alerts")))
    if user.is_office_role or user.is_provider_role:
        items.append(("Levert tid", reverse("delivery-home")))
    if user.role in (Role.MANAGEMENT, Role.ANALYST):
        items.append(("Finansiering", reverse("financing-simulator")))
        items.append(("Budsjetter", reverse("financing-budgets")))
        items.append(("Budsjett og regnskap", reverse("financing-accounts")))
    if user.role == Role.PROVIDER_LEADER:
        items.append(("Budsjett og regnskap", reverse("financing-accounts")))
    if user.role in (Role.MANAGEMENT, Role.ANALYST, Role.OFFICE_LEADER, Role.CASEWORKER,
                     Role.PROVIDER_LEADER):
        items.append(("Nøkkeltall", reverse("insight:dashboard")))
    if user.role in (Role.MANAGEMENT, Role.ANALYST, Role.OFFICE_LEADER):
        items.append(("Likebehandling", reverse("insight:equal-treatment")))
    if user.is_office_role or user.role == Role.PROVIDER_LEADER:
        items.append(("Sykehus", reverse("hospital:board")))
    if user.is_office_role:
        items.append(("Sykehusmeldinger", reverse("exchange:plo")))
        items.append(("Ventelister", reverse("places:waiting-lists")))
        items.append(("BPA", reverse("housing:bpa")))
    if user.role in (Role.CASEWORKER, Role.OFFICE_LEADER, Role.PROVIDER_LEADER):
        items.append(("Avlastning", reverse("housing:respite")))
    if user.role in (Role.OFFICE_LEADER, Role.PROVIDER_LEADER):
        items.append(("Nødrett", reverse("emergency-review")))
    if user.is_office_role or user.role in (Role.PROVIDER_LEADER, Role.MANAGEMENT):
        items.append(("Plasser", reverse("places:overview")))
    if user.role in (Role.PROVIDER_LEADER, Role.OFFICE_LEADER, Role.MANAGEMENT, Role.ANALYST):
        items.append(("Bo og habilitering", reverse("housing:overview")))
    if user.role == Role.OFFICE_LEADER:
        items.append(("KPR", reverse("exchange:kpr")))
    if user.role == Role.ADMINISTRATOR:
        items.append(("Tilgangslogg", reverse("access-log")))
        items.append(("Administrasjon", reverse("admin:index")))
    current = request.path
    return {"nav_items": [
        {"label": label, "url": url,
         "current": current == url or (url != "/" and current.startswith(url))}
        for label, url in items
    ]}
