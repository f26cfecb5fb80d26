"""The steps of `scripts/serve.py`: one module per thing it runs (see that script)."""
