"""Figures about the review work, for ITC staff."""

from statistics import median

from django.utils import timezone

from .models import PracticeRevision

# The median over the most recent decisions: enough to be stable, bounded in cost.
RECENT_DECISIONS = 500


def moderation_figures():
    in_review = PracticeRevision.objects.filter(status__in=PracticeRevision.IN_REVIEW_STATUSES)
    oldest = in_review.order_by("submitted_at").values_list("submitted_at", flat=True).first()
    decided = (
        PracticeRevision.objects.filter(decided_at__isnull=False, submitted_at__isnull=False)
        .order_by("-decided_at")
        .values_list("submitted_at", "decided_at")[:RECENT_DECISIONS]
    )
    waits = [(decided_at - submitted_at).total_seconds() / 86400 for submitted_at, decided_at in decided]
    return {
        "open_reviews": in_review.count(),
        "oldest_waiting_days": (timezone.now() - oldest).days if oldest else None,
        "median_days_to_decision": round(median(waits), 1) if waits else None,
        "decisions_counted": len(waits),
    }
