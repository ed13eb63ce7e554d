"""Code lenses above complex functions: listed cheaply (cached per document revision), titled
on resolve, so a file with hundreds of complex functions costs only what is on screen."""

from __future__ import annotations

import attrs
from lsprotocol import types
from pygls.exceptions import JsonRpcInvalidParams

from mu_lsp.server.core import MuServer
from mu_lsp.server.render import lens_title

COMMAND_SUMMARIZE_FUNCTION = "mu.summarizeFunction"


@attrs.define
class LensData:
    """What a lens carries between codeLens and codeLens/resolve."""

    uri: str
    name: str
    index: int
    line: int


def register(server: MuServer) -> None:
    @server.feature(types.TEXT_DOCUMENT_CODE_LENS, types.CodeLensOptions(resolve_provider=True))
    async def code_lens(ls: MuServer, params: types.CodeLensParams) -> list[types.CodeLens]:
        await ls.config.wait_ready()
        opened = ls.documents.get(params.text_document.uri)
        if opened is None or not ls.lenses_enabled:
            return []
        stamp = (opened.document.revision, ls.config.thresholds, ls.lenses_enabled)
        cached = opened.cached_lenses(stamp)
        if cached is not None:
            return cached
        lenses = []
        for function in ls.complex_functions(opened):
            position = types.Position(line=function.name_row, character=0)
            name, index = function.key
            lenses.append(
                types.CodeLens(
                    range=types.Range(start=position, end=position),
                    data=ls.protocol._converter.unstructure(LensData(opened.uri, name, index, function.name_row)),
                )
            )
        opened.remember_lenses(stamp, lenses)
        return lenses

    @server.feature(types.CODE_LENS_RESOLVE)
    def code_lens_resolve(ls: MuServer, lens: types.CodeLens) -> types.CodeLens:
        try:
            data = ls.protocol._converter.structure(lens.data, LensData)
        except Exception as error:  # a client sent something else back: say so, no traceback
            raise JsonRpcInvalidParams(f"codeLens/resolve: not a mu-lsp lens ({error})") from None
        opened = ls.documents.get(data.uri)
        function = opened.document.function_by_key((data.name, data.index)) if opened is not None else None
        if opened is None or function is None:
            lens.command = types.Command(title="mu: out of date, re-open the file", command="")
            return lens
        title = lens_title(ls.view(opened, function), ls.config.summarizes_on("save"))
        lens.command = types.Command(
            title=title, command=COMMAND_SUMMARIZE_FUNCTION, arguments=[opened.uri, function.name_row]
        )
        return lens
