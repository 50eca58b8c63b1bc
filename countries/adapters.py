from allauth.account.adapter import DefaultAccountAdapter


class InvitationOnlyAccountAdapter(DefaultAccountAdapter):
    """No open sign-up: accounts come only from invitations (countries.services.accept_invitation)."""

    def is_open_for_signup(self, request):
        return False

    def _get_login_attempts_cache_key(self, request, **credentials):
        # allauth counts failed sign-ins per host and address; without the sites framework the host is
        # the request's Host header, and Django accepts any port or letter case on an allowed host name.
        # A client varying "Host: site:1", "site:2", ... would start a fresh count each time: count per
        # address only.
        return credentials.get("email", credentials.get("username", "")).strip().lower()
