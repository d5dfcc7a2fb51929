"""Retention settings from the environment: defaults, fractions, and refusals of nonsense."""

import pytest

from service.config import from_env
from service.domain.errors import ConfigurationError


def test_defaults_are_seven_days_seven_days_24_hours_and_an_hourly_purge():
    config = from_env({})
    assert (config.outbox_retention_seconds, config.inbox_retention_seconds, config.idempotency_ttl_seconds,
            config.purge_interval_seconds) == (7 * 86400, 7 * 86400, 24 * 3600, 3600)


def test_each_is_configurable_and_fractions_are_allowed():
    config = from_env({"PATHWAYS_RETENTION_OUTBOX_DAYS": "0.5", "PATHWAYS_RETENTION_INBOX_DAYS": "30",
                       "PATHWAYS_RETENTION_IDEMPOTENCY_HOURS": "48", "PATHWAYS_PURGE_INTERVAL_SECONDS": "60"})
    assert (config.outbox_retention_seconds, config.inbox_retention_seconds, config.idempotency_ttl_seconds,
            config.purge_interval_seconds) == (43200, 30 * 86400, 48 * 3600, 60)


@pytest.mark.parametrize("value", ["0", "-1", "seven", "nan", "inf"])
def test_a_retention_that_is_not_a_positive_number_is_refused(value):
    with pytest.raises(ConfigurationError, match="PATHWAYS_RETENTION_OUTBOX_DAYS"):
        from_env({"PATHWAYS_RETENTION_OUTBOX_DAYS": value})
