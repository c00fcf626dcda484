"""The web app: server-rendered pages and the JSON API, calling the services only."""
