"""Server logging: where records go, and that keys never reach either destination."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest
from lsprotocol import types

from mu_lsp.server.logs import configure_logging, resolve_level, stderr_after_connect

FAKE_KEY = "sk-proj-" + "Q7x9" * 12


@pytest.fixture
def restore_mu_logger() -> Iterator[None]:
    root = logging.getLogger("mu_lsp")
    handlers, level, propagate = root.handlers[:], root.level, root.propagate
    yield
    root.handlers[:], root.level, root.propagate = handlers, level, propagate


def _emit_before_and_after_connect(capsys: pytest.CaptureFixture[str]) -> tuple[str, list[str]]:
    editor = configure_logging(logging.INFO)
    sent: list[str] = []
    log = logging.getLogger("mu_lsp.test")
    log.info("before the editor connected")
    editor.send = lambda params: sent.append(params.message)
    log.info("after the editor connected")
    log.debug("below the level")
    return capsys.readouterr().err, sent


@pytest.mark.usefixtures("restore_mu_logger")
def test_records_go_to_stderr_and_the_editor_by_default(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("MU_LOG_STDERR", raising=False)
    err, sent = _emit_before_and_after_connect(capsys)
    assert "before the editor connected" in err
    assert "after the editor connected" in err
    assert sent == ["mu_lsp.test: after the editor connected"]  # the message type carries the level
    assert "below the level" not in err


@pytest.mark.usefixtures("restore_mu_logger")
def test_stderr_off_keeps_only_what_the_editor_could_not_receive(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MU_LOG_STDERR", "off")
    err, sent = _emit_before_and_after_connect(capsys)
    assert "before the editor connected" in err
    assert "after the editor connected" not in err
    assert sent == ["mu_lsp.test: after the editor connected"]  # the message type carries the level


@pytest.mark.parametrize(
    ("value", "expected"),
    [(None, True), ("on", True), ("OFF", False), (" 0 ", False), ("false", False), ("garbage", True)],
)
def test_stderr_switch_values(value: str | None, expected: bool) -> None:
    environ = {} if value is None else {"MU_LOG_STDERR": value}
    assert stderr_after_connect(environ) is expected


@pytest.mark.usefixtures("restore_mu_logger")
def test_keys_are_scrubbed_from_both_destinations(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("MU_LOG_STDERR", raising=False)
    editor = configure_logging(logging.DEBUG)
    sent: list[types.LogMessageParams] = []
    editor.send = sent.append
    logging.getLogger("mu_lsp.test").error("provider said: bad key %s", FAKE_KEY)
    err = capsys.readouterr().err
    assert "provider said: bad key" in err
    assert FAKE_KEY not in err and FAKE_KEY[-12:] not in err
    assert sent and sent[0].type == types.MessageType.Error
    assert FAKE_KEY not in sent[0].message


@pytest.mark.parametrize(
    ("flag", "env", "expected"),
    [("debug", None, logging.DEBUG), (None, "warning", logging.WARNING), (None, None, logging.INFO)],
)
def test_log_level_flag_then_environment_then_info(
    flag: str | None, env: str | None, expected: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    if env is None:
        monkeypatch.delenv("MU_LOG_LEVEL", raising=False)
    else:
        monkeypatch.setenv("MU_LOG_LEVEL", env)
    assert resolve_level(flag) == expected


def test_no_traceback_reaches_a_log_unless_debugging() -> None:
    import logging

    from mu_lsp.server.logs import ScrubbingFormatter

    try:
        raise ValueError("boom")
    except ValueError:
        record = logging.getLogger("pygls.protocol").makeRecord(
            "pygls.protocol", logging.ERROR, __file__, 1, "Unable to deserialize message\n%s", ("Traceback ...",), None
        )
        import sys

        record.exc_info = sys.exc_info()
    quiet = ScrubbingFormatter("%(name)s: %(message)s").format(record)
    assert quiet == "pygls.protocol: Unable to deserialize message"
    loud = ScrubbingFormatter("%(name)s: %(message)s", keep_tracebacks=True).format(record)
    assert "Traceback" in loud and "ValueError: boom" in loud


@pytest.mark.usefixtures("restore_mu_logger")
@pytest.mark.parametrize(
    "race",
    ['Cancel notification for unknown message id "%s"', 'Received response to unknown message id "%s"'],
)
def test_cancellation_races_stay_out_of_the_log_unless_debugging(race: str) -> None:
    """Every edit cancels requests; one that finished just before its cancel is not news."""
    editor = configure_logging(logging.INFO)
    sent: list[str] = []
    editor.send = lambda params: sent.append(params.message)
    rpc = logging.getLogger("pygls.protocol.json_rpc")
    rpc.warning(race, "57")
    rpc.warning("Ignoring notification for unknown method %r", "mu/unknown")
    assert sent == ["pygls.protocol.json_rpc: Ignoring notification for unknown method 'mu/unknown'"]
    configure_logging(logging.DEBUG).send = lambda params: sent.append(params.message)
    rpc.warning(race, "58")
    assert sent[-1] == f"pygls.protocol.json_rpc: {race % '58'}"
