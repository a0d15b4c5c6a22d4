"""The documents this app issues about a request: the certificate of an
approval (or of a silencio positivo) and the filing receipt. They run through
the entity's one document pipeline (egov/documentos.py); this package holds
what is theirs: models, how each is rendered and what issuing it means, their
access and verification, tasks, views and admin."""
