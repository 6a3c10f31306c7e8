"""seller-kanban's benchmark suite: ``python -m benchmarks [--quick] [--json FILE]``.

It prints figures, each beside a floor measured in the same run; it never asserts a
timing. See ``benchmarks/README.md`` for what each figure means.
"""
