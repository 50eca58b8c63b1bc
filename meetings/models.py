# Meetings and the Call to Action arrive with their own issue.
