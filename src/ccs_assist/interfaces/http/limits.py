"""The server's default limits, in one place for the app, the serve options and the tests."""

MAX_BODY = 64 * 1024  # bytes a request body may have
SESSION_ID_MAX = 128  # characters a session id may have
SESSION_TTL = 1800.0  # idle seconds before a conversation is forgotten
MAX_SESSIONS = 10_000  # conversations kept at once; more drop the least recently used
BODY_TIMEOUT = 10.0  # seconds for a whole request body to arrive
IDLE_TIMEOUT = 5  # seconds a connection may sit without a complete request
LIMIT_CONCURRENCY = 200  # connections and requests at once; more get a 503
MAX_HEADER_BYTES = 16 * 1024  # h11's buffer for a request line and headers
SESSION_RATE = 30  # new sessions a minute per client address (0: no limit)
LOG_MAX_BYTES = 16 * 1024 * 1024  # the unanswered-questions log stops growing here
