"""The creditor's identifiers are checked with their keys, and payment terms give the right due dates."""
from datetime import date

import pytest

from campaigns import identifiers, payment_terms
from campaigns.errors import ValidationError
from campaigns.payment_terms import PaymentTerms


def test_a_siren_and_a_siret_with_their_luhn_key_are_accepted_whatever_the_spacing():
    assert identifiers.clean_siren("732 829 320") == "732829320"
    assert identifiers.clean_siret("732 829 320 00074") == "73282932000074"
    assert identifiers.clean_siret("35600000049837") == "35600000049837"   # La Poste: digits add up to 5k
    assert identifiers.clean_siren("") is None


@pytest.mark.parametrize("value, message", [("732829321", "check digit"), ("73282932", "9 digits"),
                                            ("73282932A", "9 digits")])
def test_a_wrong_siren_is_refused_saying_why(value, message):
    with pytest.raises(ValidationError) as caught:
        identifiers.clean_siren(value)
    assert message in caught.value.errors["siren"].message


def test_an_iban_is_checked_by_country_length_and_mod_97():
    assert identifiers.clean_iban("fr76 3000 6000 0112 3456 7890 189") == "FR7630006000011234567890189"
    for wrong, message in (("FR76 3000 6000 0112 3456 7890 188", "check digits"),
                           ("FR76 3000 6000 0112 3456 7890 18", "27 characters"), ("3000 6000", "two letters")):
        with pytest.raises(ValidationError) as caught:
            identifiers.clean_iban(wrong)
        assert message in str(caught.value.errors["iban"].message.format(**caught.value.errors["iban"].params))
    assert identifiers.format_iban("FR7630006000011234567890189") == "FR76 3000 6000 0112 3456 7890 189"


def test_a_bic_has_eight_or_eleven_characters():
    assert identifiers.clean_bic("bnpa fr pp") == "BNPAFRPP" and identifiers.clean_bic("BNPAFRPPXXX") == "BNPAFRPPXXX"
    with pytest.raises(ValidationError):
        identifiers.clean_bic("BNP")


def test_payment_terms_give_the_due_date_the_way_each_convention_counts():
    invoice = date(2026, 1, 20)
    assert PaymentTerms().due_date(invoice) == date(2026, 2, 19)                               # law: 30 days
    assert PaymentTerms(payment_terms.NET, 60, True).due_date(invoice) == date(2026, 3, 21)
    assert PaymentTerms(payment_terms.EOM_THEN_DAYS, 45, True).due_date(invoice) == date(2026, 3, 17)
    assert PaymentTerms(payment_terms.DAYS_THEN_EOM, 45, True).due_date(invoice) == date(2026, 3, 31)


def test_payment_terms_beyond_the_law_are_refused():
    assert payment_terms.clean_terms("net", "60") == ("net", 60)
    assert payment_terms.clean_terms("net", "") == (None, None)
    for kind, days in (("net", "61"), ("eom_then_days", "46"), ("net", "trente")):
        with pytest.raises(ValidationError):
            payment_terms.clean_terms(kind, days)
