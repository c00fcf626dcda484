"""The use cases: the only code that changes state, one transaction each (design.md, "The shape")."""
