"""Microphone, speaker and file audio for the interview loop.

Everything that touches PortAudio lives in this package, and sounddevice is imported only inside
functions (see ``devices.load_sounddevice``): importing it raises OSError when PortAudio is
missing, and that must become a clear message, not a crash at ``import mockloop``.
"""

from mockloop.audio_io.devices import AudioDevice, find_input_device, find_output_device, list_devices
from mockloop.audio_io.levels import SilenceStop, rms_dbfs
from mockloop.audio_io.playback import play_file
from mockloop.audio_io.recorder import Recorder, RecordingResult, StopReason
from mockloop.audio_io.sources import FileSource, MicrophoneSource

__all__ = [
    "AudioDevice",
    "FileSource",
    "MicrophoneSource",
    "Recorder",
    "RecordingResult",
    "SilenceStop",
    "StopReason",
    "find_input_device",
    "find_output_device",
    "list_devices",
    "play_file",
    "rms_dbfs",
]
