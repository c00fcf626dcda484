"""Prefect flows that carry nominations between stages (bloc round, appraisal, council, decision).

Installed with the package so that a Prefect worker built from the wheel has them. Flows are thin: every
step calls ``thidua_workflow.services``. Until they land, ``thidua demo`` plays each person's part itself.
"""
