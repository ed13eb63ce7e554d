"""`python -m mu_lsp` is the `mu-lsp` command."""

from mu_lsp.entry import drop_working_directory

drop_working_directory()

from mu_lsp.cli import main  # noqa: E402 - only after the working directory left sys.path

raise SystemExit(main())
