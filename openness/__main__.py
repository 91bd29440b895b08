from openness.cli import app

app()
