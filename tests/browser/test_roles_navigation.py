"""Each demo role logs in and sees its own navigation, in French."""
from campaigns.models import Role

from .conftest import log_in, screenshot


def _people(live_server):
    make = live_server.make
    company = make.client_company(name="Fournitures Durand SAS")
    other = make.client_company(name="Autre Client SA")
    agent = make.user(Role.AGENT, name="Nadia Négociatrice")
    people = {
        Role.ADMIN: make.user(Role.ADMIN, name="Alice Admin"),
        Role.MANAGER: make.user(Role.MANAGER, name="Marc Manager"),
        Role.AGENT: agent,
        Role.CLIENT: make.user(Role.CLIENT, name="Claire Client", client_company=company),
    }
    make.campaign(client_company=company, agents=[agent], name="Relance automne")
    make.campaign(client_company=other, name="Mission confidentielle")
    live_server.commit()
    return people


def test_each_role_logs_in_and_sees_its_navigation(page, live_server):
    people = _people(live_server)
    expected_nav = {
        Role.ADMIN: "Campagnes", Role.MANAGER: "Campagnes",
        Role.AGENT: "Mes campagnes", Role.CLIENT: "Nos campagnes",
    }
    for role, user in people.items():
        log_in(page, live_server, user)
        nav = page.get_by_role("navigation", name="Navigation principale")
        assert nav.get_by_role("link", name=expected_nav[role], exact=True).is_visible()
        assert page.locator(".user-name").inner_text() == user.name
        rows = page.locator("#campaign-list tbody tr")
        names = rows.all_inner_texts()
        if role is Role.CLIENT or role is Role.AGENT:
            assert any("Relance automne" in n for n in names)
            assert not any("Mission confidentielle" in n for n in names)
        else:
            assert len(names) == 2
        screenshot(page, f"home-{role.value}")
        page.get_by_role("button", name="Se déconnecter").click()
        page.wait_for_url("**/login")


def test_a_wrong_password_shows_a_message_on_the_login_page(page, live_server):
    user = live_server.make.user(Role.AGENT)
    live_server.commit()
    page.goto(live_server.url + "/login")
    page.get_by_label("Adresse e-mail").fill(user.email)
    page.get_by_label("Mot de passe").fill("pas-le-bon-1")
    page.get_by_role("button", name="Se connecter").click()
    assert page.get_by_role("alert").inner_text() == "Adresse e-mail ou mot de passe incorrect."
