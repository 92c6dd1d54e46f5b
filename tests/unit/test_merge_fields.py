"""Merge fields: one engine, the same names in every template."""
from campaigns import merge_fields


def test_every_field_is_filled_and_braces_can_be_written():
    text = ("Bonjour {contact}, ici {agent} pour {client}. {societe} doit {montant_du} sur {nb_factures} "
            "factures, la plus ancienne {plus_ancienne_facture}. {{accolades}}")
    values = {"contact": "Mme Roux", "agent": "Nadia", "client": "Durand SAS", "societe": "Roux SARL",
              "montant_du": "1 200,00 €", "nb_factures": "2", "plus_ancienne_facture": "F12 (01/06/2026)"}
    assert merge_fields.fill(text, values) == (
        "Bonjour Mme Roux, ici Nadia pour Durand SAS. Roux SARL doit 1 200,00 € sur 2 factures, la plus ancienne "
        "F12 (01/06/2026). {accolades}")


def test_unknown_fields_are_listed_once_in_order_and_left_as_written():
    assert merge_fields.unknown("{montant} et {contact} puis {montant} et {Agent}") == ["montant", "Agent"]
    assert merge_fields.fill("Reste {montant}", {"montant_du": "1 €"}) == "Reste {montant}"
