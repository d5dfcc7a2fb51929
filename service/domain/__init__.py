"""Domain rules: plain Python, no Flask, Kombu or database sessions."""
