"""Only the optional C kernels live here; everything else is in pyproject.toml."""

from setuptools import Extension, setup

setup(
    ext_modules=[
        # optional: where no C compiler is found the install goes on, and the
        # same functions run in Python (newsgrasp/stories/vectors.py).
        Extension("newsgrasp.stories._speedups",
                  [f"src/newsgrasp/stories/{name}.c" for name in ("_speedups", "_vectors", "_pairs")],
                  depends=["src/newsgrasp/stories/_speedups.h"], optional=True),
    ],
)
