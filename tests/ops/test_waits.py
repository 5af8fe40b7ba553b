import pytest

from agent.ops.waits import QueueState, WaitEstimate, estimate_wait, wait_phrase, window_words


def test_no_history_uses_the_configured_time_and_says_so():
    estimate = estimate_wait(QueueState(agents_on_shift=1, ahead=0, handle_times_s=[300, 400]), 240)
    assert (estimate.low_s, estimate.high_s, estimate.position) == (180, 360, 1)
    assert "configured" in estimate.basis and "no recent history" in estimate.basis
    assert wait_phrase(estimate) == "You're next in line; the wait is about 3–6 minutes."


def test_position_and_agents_scale_the_recent_quartiles():
    times = [240, 300, 360, 420, 480]  # quartiles 300 / 360 / 420
    estimate = estimate_wait(QueueState(agents_on_shift=2, ahead=3, handle_times_s=times), 999)
    assert (estimate.position, estimate.low_s, estimate.high_s) == (4, 600, 840)
    assert "median handle time 6.0 min over the last 5 handoffs" in estimate.basis
    assert wait_phrase(estimate) == "You're number 4 in line; the wait is about 10–14 minutes."


def test_no_agents_is_offline():
    estimate = estimate_wait(QueueState(agents_on_shift=0, ahead=2, handle_times_s=[300] * 9), 300)
    assert estimate.offline and estimate.position == 3
    assert "Nobody is on shift" in wait_phrase(estimate)
    assert wait_phrase(estimate).startswith("You're number 3 in line.")


@pytest.mark.parametrize(
    ("low", "high", "words"),
    [
        (0, 0, "about 1–2 minutes"),
        (200, 200, "about 3–4 minutes"),
        (3600, 5400, "about 60–90 minutes"),
        (4000, 9000, "about 1–3 hours"),
    ],
)
def test_windows_are_never_a_single_point(low, high, words):
    assert window_words(low, high) == words


def test_the_window_is_ordered():
    e = estimate_wait(QueueState(3, 7, [30, 900, 60, 1200, 45, 600]), 300)
    assert isinstance(e, WaitEstimate) and 0 < e.low_s <= e.high_s
