"""What the counter screens show of the app's state: the model line, the input
device, where a session's audio comes from (pure)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from assistant.tui import strings as S

if TYPE_CHECKING:
    from assistant.tui.state import AppConfig, CounterState


def model_name(state: CounterState, config: AppConfig) -> str:
    if state.engine is not None:
        return state.engine.name
    configured = config.settings.model.path
    return configured.name if configured is not None else "whisper-base"


def model_status(state: CounterState, config: AppConfig) -> str:
    """The model line of the start screen and the session header."""
    if state.engine is not None:
        return S.MODEL_READY.format(name=state.engine.name, seconds=state.loaded_s)
    if state.engine_error is not None:
        return S.MODEL_FAILED.format(name=model_name(state, config))
    return S.MODEL_LOADING.format(name=model_name(state, config))


def device_label(state: CounterState, config: AppConfig) -> str:
    """The input shown in the session header before the pipeline names it."""
    if config.replay is not None:
        return config.replay.name
    return state.device or S.START_DEVICE_DEFAULT


def source_label(state: CounterState, config: AppConfig) -> str:
    """Where a new session's audio comes from, as stored with the session."""
    if config.replay is not None:
        return S.SOURCE_FILE.format(name=config.replay.name)
    return S.SOURCE_MIC.format(name=state.device or S.SOURCE_DEFAULT)
