"""Cable pipeline: parse State Department cables, segment paragraphs, run NER
and paragraph classifiers, and write annotated JSON Lines (see README.md)."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("cable-pipeline")
except PackageNotFoundError:  # running from a source tree without install
    __version__ = "0.0.0+src"
