"""A Beam FileSystem (`brokenfs://`) over the local disk whose listings can be made to fail.

Registered with Beam's FileSystems by being defined (Beam finds FileSystem
subclasses by their scheme), so `FileSystems.match(["brokenfs:///..."])`
reaches it, as `gs://` reaches GCS. `BrokenListings.failing` holds glob
fragments: a match whose pattern contains one raises, as a store that is down
for a moment does.
"""

from __future__ import annotations

from apache_beam.io.filesystem import FileSystem, MatchResult
from apache_beam.io.localfilesystem import LocalFileSystem

SCHEME = "brokenfs"
PREFIX = f"{SCHEME}://"


class BrokenListings:
    failing: set[str] = set()
    calls: list[str] = []


def _local(path: str) -> str:
    return path[len(PREFIX):] if path.startswith(PREFIX) else path


def _ours(path: str) -> str:
    return PREFIX + path


class BrokenListingFileSystem(FileSystem):
    @classmethod
    def scheme(cls) -> str:
        return SCHEME

    def __init__(self, pipeline_options) -> None:
        super().__init__(pipeline_options)
        self._disk = LocalFileSystem(pipeline_options)

    def join(self, basepath, *paths):
        return _ours(self._disk.join(_local(basepath), *paths))

    def split(self, path):
        head, tail = self._disk.split(_local(path))
        return _ours(head), tail

    def mkdirs(self, path):
        return self._disk.mkdirs(_local(path))

    def has_dirs(self):
        return True

    def _list(self, dir_or_prefix):
        for m in self._disk._list(_local(dir_or_prefix)):
            yield type(m)(_ours(m.path), m.size_in_bytes, m.last_updated_in_seconds)

    def match(self, patterns, limits=None):
        BrokenListings.calls.append(patterns[0])
        for pattern in patterns:
            if any(fragment in pattern for fragment in BrokenListings.failing):
                raise OSError(f"listing {pattern} failed (the store is down for a moment)")
        results = self._disk.match([_local(p) for p in patterns], limits)
        return [MatchResult(_ours(r.pattern), [type(m)(_ours(m.path), m.size_in_bytes, m.last_updated_in_seconds)
                                               for m in r.metadata_list]) for r in results]

    def create(self, path, mime_type="application/octet-stream", compression_type="auto"):
        return self._disk.create(_local(path), mime_type, compression_type)

    def open(self, path, mime_type="application/octet-stream", compression_type="auto"):
        return self._disk.open(_local(path), mime_type, compression_type)

    def copy(self, source_file_names, destination_file_names):
        return self._disk.copy([_local(p) for p in source_file_names], [_local(p) for p in destination_file_names])

    def rename(self, source_file_names, destination_file_names):
        return self._disk.rename([_local(p) for p in source_file_names], [_local(p) for p in destination_file_names])

    def exists(self, path):
        return self._disk.exists(_local(path))

    def size(self, path):
        return self._disk.size(_local(path))

    def last_updated(self, path):
        return self._disk.last_updated(_local(path))

    def checksum(self, path):
        return self._disk.checksum(_local(path))

    def metadata(self, path):
        return self._disk.metadata(_local(path))

    def delete(self, paths):
        return self._disk.delete([_local(p) for p in paths])
