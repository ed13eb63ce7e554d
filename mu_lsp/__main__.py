"""`python -m mu_lsp` is the `mu-lsp` command."""

from mu_lsp.cli import main

raise SystemExit(main())
