"""The demo case the project wrote (fictional texts: see README.md) and ``build.py``, which builds it into a workspace."""
