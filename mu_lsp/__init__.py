"""mu-lsp: complex functions, explained where you read them."""

__version__ = "0.1.0"
