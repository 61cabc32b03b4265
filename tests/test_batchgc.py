"""``tildel.batchgc``: batch jobs tune the garbage collector and always put it back."""

from __future__ import annotations

import gc

import pytest

from tildel.batchgc import YOUNG_THRESHOLD, batch_gc


def test_the_collector_runs_less_often_inside_and_as_before_after():
    before, frozen = gc.get_threshold(), gc.get_freeze_count()
    with batch_gc():
        assert gc.get_threshold()[0] == YOUNG_THRESHOLD
        assert gc.get_freeze_count() > frozen  # what was alive at the start is set aside
    assert gc.get_threshold() == before
    assert gc.get_freeze_count() == frozen


def test_the_collector_is_put_back_when_the_job_fails():
    before, frozen = gc.get_threshold(), gc.get_freeze_count()
    with pytest.raises(RuntimeError), batch_gc():
        raise RuntimeError("avbrutt")
    assert gc.get_threshold() == before
    assert gc.get_freeze_count() == frozen


def test_cycles_made_inside_are_still_collected():
    class Node:
        pass

    with batch_gc():
        first, second = Node(), Node()
        first.other, second.other = second, first
        del first, second
        assert gc.collect() >= 2


def test_a_process_that_froze_its_own_start_leaves_with_it_still_frozen():
    gc.freeze()
    try:
        frozen = gc.get_freeze_count()
        with batch_gc():
            assert gc.get_threshold()[0] == YOUNG_THRESHOLD
        assert gc.get_freeze_count() == frozen  # theirs neither taken back nor added to
    finally:
        gc.unfreeze()
