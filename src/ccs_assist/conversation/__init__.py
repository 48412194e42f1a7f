"""A conversation: memory of earlier turns, the decision what to do with each message, and the
saved state that lets a conversation continue in another process."""
