"""`python -m mu_lsp.worker`: started by the language server, never by hand."""

from mu_lsp.worker.main import main

raise SystemExit(main())
