"""An import pauses Python's cycle collector while it builds its rows; the process collects again after it, even
when the file was refused or imports overlapped in several threads (a worker left without it would grow)."""
import gc
import threading

import pytest

from campaigns.errors import DomainError
from campaigns.importing import collector, service


def test_the_collector_runs_again_after_an_import_and_after_a_refused_file(session, make, tmp_path, monkeypatch):
    campaign = make.campaign()
    seen = []
    check = service.checking.check

    def watched(*args, **kwargs):
        seen.append(gc.isenabled())
        return check(*args, **kwargs)
    good = ("Code client;Raison sociale;Téléphone;N° facture;Échéance;Reste dû\n"
            "A1;Alpha;01 42 68 53 00;F1;01/06/2026;100,00\n").encode()
    monkeypatch.setattr(service.checking, "check", watched)
    batch = service.store_upload(session, campaign, "f.csv", good, str(tmp_path))
    service.check(session, batch)
    service.apply(session, batch)          # checks the stored file again, as a worker does
    assert seen == [False, False] and gc.isenabled()
    empty = service.store_upload(session, make.campaign(), "g.csv", b"Code client;Facture;Reste du\n",
                                 str(tmp_path))
    with pytest.raises(DomainError):
        service.check(session, empty)
    assert gc.isenabled()


def test_overlapping_imports_keep_it_paused_until_the_last_ends():
    first_in, second_done, states = threading.Event(), threading.Event(), []

    def first():
        with collector.paused():
            first_in.set()
            second_done.wait(5)
            states.append(("first, the other ended", gc.isenabled()))

    thread = threading.Thread(target=first)
    thread.start()
    first_in.wait(5)
    with collector.paused():
        states.append(("both", gc.isenabled()))
    second_done.set()
    thread.join(5)
    assert states == [("both", False), ("first, the other ended", False)]
    assert gc.isenabled()


def test_a_process_that_had_it_off_keeps_it_off():
    gc.disable()
    try:
        with collector.paused():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()
