# Best practices arrive with the issue "Best practices: country pages, submission, and ITC moderation".
