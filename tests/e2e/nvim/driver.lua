-- Drives a headless Neovim configured with exactly the README's block; writes what it saw as JSON.
local out = vim.env.MU_TEST_OUTPUT
local target = tonumber(vim.env.MU_TEST_LINE)   -- 1-based line of the function's name
local result = { steps = {} }

local function note(step, value)
  table.insert(result.steps, { step = step, value = value })
end

local function finish(ok, message)
  result.ok = ok
  result.message = message
  local handle = io.open(out, "w")
  handle:write(vim.fn.json_encode(result))
  handle:close()
  vim.cmd("qall!")
end

local function lens_title()
  vim.lsp.codelens.refresh()
  vim.wait(200)
  for _, lens in ipairs(vim.lsp.codelens.get(vim.api.nvim_get_current_buf()) or {}) do
    if lens.range.start.line == target - 1 and lens.command and lens.command.title then
      return lens.command.title
    end
  end
  return nil
end

local function wait_for_lens(pattern, timeout)
  local seen = nil
  local ok = vim.wait(timeout, function()
    seen = lens_title()
    return seen ~= nil and seen:find(pattern, 1, true) ~= nil
  end, 250)
  return ok, seen
end

local function hover_text()
  local params = vim.lsp.util.make_position_params()
  params.position = { line = target - 1, character = 6 }
  local responses = vim.lsp.buf_request_sync(0, "textDocument/hover", params, 5000) or {}
  for _, response in pairs(responses) do
    if response.result and response.result.contents then
      return response.result.contents.value
    end
  end
  return nil
end

local ok = vim.wait(20000, function()
  local clients = vim.lsp.buf_get_clients(0)
  return #clients > 0 and clients[1].initialized ~= false and clients[1].server_capabilities ~= nil
end, 100)
if not ok then
  return finish(false, "no LSP client attached")
end
note("client", vim.lsp.buf_get_clients(0)[1].name)

local found, title = wait_for_lens("fake summary of tangled", 60000)
note("lens_after_open", title)
if not found then
  return finish(false, "the lens never carried the summary")
end
local hover = hover_text()
note("hover", hover)
if not (hover and hover:find("fake summary of tangled", 1, true)) then
  return finish(false, "the hover did not carry the summary")
end

-- Edit inside the function, save, and wait for a different summary.
local before = title
local line = vim.fn.search("total += 2", "n")
vim.api.nvim_buf_set_lines(0, line - 1, line, false, { "            total += 7" })
found, title = wait_for_lens("outdated", 20000)
note("lens_after_edit", title)
if not found then
  return finish(false, "the lens did not say outdated after the edit")
end
vim.cmd("write")
found, title = wait_for_lens("fake summary of tangled", 60000)
vim.wait(60000, function()
  title = lens_title()
  return title ~= nil and title ~= before and not title:find("outdated", 1, true)
    and title:find("fake summary of tangled", 1, true) ~= nil
end, 250)
note("lens_after_save", title)
if title == before or not (title and title:find("fake summary of tangled", 1, true)) then
  return finish(false, "saving did not bring a new summary")
end
finish(true, "ok")
