"""One module a `goldspan` sub-command; each defines register(subparsers)."""
