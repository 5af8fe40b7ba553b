from datetime import UTC, datetime, timedelta

import pytest
from langgraph.store.memory import InMemoryStore

from agent.errors import InputError
from agent.ops.board import DueUpdate, QueueBoard
from agent.settings import HandoffSettings
from agent.storage import sqlite_storage

T0 = datetime(2026, 3, 2, 15, 0, tzinfo=UTC)


class Clock:
    def __init__(self, at=T0):
        self.at = at

    def __call__(self):
        return self.at

    def tick(self, **delta):
        self.at += timedelta(**delta)
        return self.at


@pytest.fixture
def clock():
    return Clock()


@pytest.fixture
def board(clock):
    return QueueBoard(InMemoryStore(), clock, {"orders": 300.0})


def test_ahead_counts_waiting_handoffs_opened_earlier(board, clock):
    for n in range(3):
        board.opened(f"HO-{n}", f"c{n}", "orders")
        clock.tick(seconds=10)
    board.opened("HO-b", "cb", "billing")
    assert board.state("orders").ahead == 3  # for a handoff not yet on the board
    assert [board.state("orders", f"HO-{n}").ahead for n in range(3)] == [0, 1, 2]
    board.picked_up("HO-0")
    assert board.state("orders", "HO-2").ahead == 1
    board.closed("HO-1")  # the shopper left before pickup
    assert board.state("orders", "HO-2").ahead == 0
    assert board.state("billing").ahead == 1


def test_handle_times_come_from_pickup_to_close_in_a_trailing_window(clock):
    board = QueueBoard(InMemoryStore(), clock, window_count=3, window_days=7)
    for n, minutes in enumerate([4, 5, 6, 7]):
        board.opened(f"HO-{n}", "c", "orders")
        board.picked_up(f"HO-{n}", clock.tick(minutes=1))
        board.closed(f"HO-{n}", clock.tick(minutes=minutes))
        board.closed(f"HO-{n}", clock.tick(minutes=1))  # a repeated close adds nothing
    assert board.handle_times("orders") == [300, 360, 420]
    clock.tick(days=8)
    assert board.handle_times("orders") == []


def test_staff_and_the_estimate(board, clock):
    assert board.staff("orders") == 1  # never reported: assume one
    board.set_staff("orders", 2)
    board.opened("HO-1", "c1", "orders")
    board.opened("HO-2", "c2", "orders", clock.tick(seconds=1))
    estimate = board.estimate("orders", "HO-2")
    assert (estimate.position, estimate.low_s, estimate.high_s) == (2, 225, 450)
    assert "configured" in estimate.basis
    board.set_staff("orders", 0)
    assert board.estimate("orders", "HO-2").offline


def test_the_second_update_is_due_once_after_two_minutes(board, clock):
    board.opened("HO-1", "conv-1", "orders")
    board.opened("HO-2", "conv-2", "orders", clock.tick(seconds=30))
    assert board.due_updates(clock.tick(seconds=89)) == []  # HO-1 has waited 119 s
    due = board.due_updates(clock.tick(seconds=1))
    assert [(d.conversation_id, d.handoff_id) for d in due] == [("conv-1", "HO-1")]
    assert due[0].message.startswith("Thanks for waiting")
    assert "You're next in line" in due[0].message
    assert board.due_updates() == due  # still due until the runtime says it went out
    board.update_sent("HO-1")
    clock.tick(seconds=30)
    due = board.due_updates()
    assert [d.handoff_id for d in due] == ["HO-2"]
    assert "number 2 in line" in due[0].message  # HO-1 is still ahead
    board.picked_up("HO-2")
    assert board.due_updates(clock.tick(minutes=10)) == []


def test_the_board_survives_a_restart(tmp_path, clock):
    path = str(tmp_path / "x.sqlite")
    first = sqlite_storage(path)
    board = QueueBoard(first.store, clock)
    board.set_staff("vip", 3)
    board.opened("HO-1", "conv-1", "vip")
    board.opened("HO-2", "conv-2", "vip", clock.tick(seconds=5))
    board.picked_up("HO-1", clock.tick(minutes=1))
    board.closed("HO-1", clock.tick(minutes=4))
    first.close()

    second = sqlite_storage(path)
    try:
        board = QueueBoard(second.store, clock)
        state = board.state("vip", "HO-2")
        assert (state.agents_on_shift, state.ahead, state.handle_times_s) == (3, 0, [240.0])
        assert board.due_updates() == [DueUpdate("conv-2", "HO-2", board.due_updates()[0].message)]
    finally:
        second.close()


def test_for_settings_uses_each_queues_typical_handle_time(clock):
    board = QueueBoard.for_settings(InMemoryStore(), HandoffSettings(), clock)
    assert board.typical_handle_s["vip"] == 120.0  # wait_minutes 2, no typical_handle_minutes
    with pytest.raises(InputError):
        board.opened("HO-1", "c", "vip", datetime(2026, 1, 1))


def test_open_handoffs_are_the_waiting_and_picked_up_ones_oldest_first(board, clock):
    for n in range(3):
        board.opened(f"HO-{n}", f"c{n}", "orders" if n % 2 else "billing")
        clock.tick(seconds=10)
    board.picked_up("HO-0")
    board.closed("HO-1")
    board.opened("HO-3", "c3", "orders")
    found = board.open_handoffs()
    assert [(k, r["status"]) for k, r in found] == [
        ("HO-0", "picked_up"),
        ("HO-2", "waiting"),
        ("HO-3", "waiting"),
    ]
    clock.tick(hours=13)  # a wait nobody closed for longer than stale_after is retired
    assert [k for k, _ in board.open_handoffs()] == ["HO-0"]
