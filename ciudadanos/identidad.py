"""Login with ID GOB.PE (OpenID Connect through django-allauth)."""

from allauth.socialaccount.adapter import DefaultSocialAccountAdapter


class IdentidadAdapter(DefaultSocialAccountAdapter):
    """Maps ID GOB.PE's claims to the citizen's account and profile."""
