"""The resolution that notifies a denial: the decision, its reason, the legal
basis and the citizen's right to appeal with its last day, signed by the
entity. It runs through the entity's one document pipeline
(egov/documentos.py); this package holds what is its own: model, rendering,
access, task, download and admin."""
