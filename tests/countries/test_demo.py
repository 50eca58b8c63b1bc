"""The demo data of the README's run command: every role, through the real flows, safe to load twice."""

from django.core.management import call_command

from countries.models import Country, Invitation, Membership, User
from practices.models import Practice, PracticeRevision


def test_demo_data_loads_twice_without_duplicates(db, capsys):
    call_command("load_demo", allow_production=True)
    call_command("load_demo", allow_production=True)
    output = capsys.readouterr().out
    assert "moderator@itc.example" in output and "sme-demo-password" in output
    assert User.objects.filter(groups__name="ITC moderators").count() == 1
    assert Membership.objects.filter(role="focal_point").count() == 3
    assert Membership.objects.filter(role="contributor").count() == 2
    assert set(Country.objects.participating().values_list("iso2", flat=True)) == {"KE", "CO", "SN"}
    assert Invitation.objects.pending().filter(country__iso2="IQ").count() == 1
    assert Practice.objects.published().count() == 1
    assert sorted(PracticeRevision.objects.values_list("status", flat=True)) == [
        "approved", "changes_requested", "draft", "submitted"
    ]
    assert Country.objects.get(iso2="KE").profile_is_complete
