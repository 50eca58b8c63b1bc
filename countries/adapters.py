from allauth.account.adapter import DefaultAccountAdapter


class InvitationOnlyAccountAdapter(DefaultAccountAdapter):
    """No open sign-up: accounts come only from invitations (countries.services.accept_invitation)."""

    def is_open_for_signup(self, request):
        return False
