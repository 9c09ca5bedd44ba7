"""The web workspace and client portal: a FastAPI app over the Python API (``create_app`` in ``app.py``)."""
