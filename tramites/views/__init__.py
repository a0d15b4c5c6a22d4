"""The citizen-facing pages of the procedures app, by job."""
