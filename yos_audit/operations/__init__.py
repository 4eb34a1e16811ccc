"""What operators need: a readiness check, JSON logs with a request id, Prometheus metrics, Sentry."""
