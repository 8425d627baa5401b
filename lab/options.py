"""What every scenario needs from the command line."""

from dataclasses import dataclass


@dataclass
class Options:
    switchyard_bin: str
    keep_captures: str | None = None  # copy each run's capture files under this directory
    corrupt_file_mb: int | None = None  # size of the veth-lesson download (default 20 MB)
