"""Operations: JSON logs, Prometheus metrics, OpenTelemetry traces and process tuning."""
