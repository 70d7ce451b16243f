"""Date formats Django's own locales leave to its American defaults (FORMAT_MODULE_PATH)."""
