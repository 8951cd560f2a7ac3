"""mapsite: mutual action plans as Markdown in git, published as polished private pages."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("mapsite")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0"
