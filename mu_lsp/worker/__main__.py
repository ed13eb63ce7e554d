"""`python -P -m mu_lsp.worker`: started by the language server, never by hand."""

from mu_lsp.entry import drop_working_directory

drop_working_directory()

from mu_lsp.worker.server import main  # noqa: E402 - only after the working directory left sys.path

raise SystemExit(main())
