"""The HTTP API and the chat page: the app, its guards, shared sessions and letter routes."""
