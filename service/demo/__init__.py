"""The demo programme that `pathways demo` (and so `make run`) loads through the use cases."""
