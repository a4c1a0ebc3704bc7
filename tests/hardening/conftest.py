"""Fixtures for the hardening tests: the loopback mock Hub."""

from mockhub import mock_hub  # noqa: F401 - re-exported fixture
