"""mapsite: mutual action plans as Markdown in git, published as polished private pages."""


def __getattr__(name: str) -> str:
    # importlib.metadata costs ~50 ms at start-up; only --version needs it
    if name == "__version__":
        from importlib.metadata import PackageNotFoundError, version

        try:
            return version("mapsite")
        except PackageNotFoundError:  # a source tree that was never installed
            return "0.0.0"
    raise AttributeError(name)
