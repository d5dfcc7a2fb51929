"""Tests in a real browser: headless Debian Chromium driven by Selenium against the app over HTTP."""
