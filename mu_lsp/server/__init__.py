"""The language server: turns editor events into engine calls and engine results into LSP."""
