"""Certificates (Bằng khen), decision documents and flag proofs: layouts as data, bundled fonts, PDFs.

Depends on the domain only; the services decide what to render and keep the results.
"""
