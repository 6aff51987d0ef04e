"""The core: strategies, sentence splitting, retrieval and term analysis, on plain strings.

Nothing under this package imports Flask, Werkzeug, the web layer or ops, reads the
environment or does network IO; ``tests/test_architecture.py`` holds it to that.
"""
