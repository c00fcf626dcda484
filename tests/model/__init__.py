"""The stateful model test: the example organisation's people act at random on the services."""
