-- Headless Neovim 0.7 as an LSP client of the real server (run by NeovimE2ETest):
--   nvim --headless -u NONE -i NONE -n -c 'luafile nvim-e2e.lua'
-- Environment: OPENSAFELY_JAVA (java executable), OPENSAFELY_LSP_JAR (the server jar),
-- STUDY_DIR (a folder with project.yaml), COMPLETION_LINE and COMPLETION_CHARACTER (0-based position
-- to complete at),
-- E2E_OUT (file for the results), and CLIENT: `script` (default) starts the client here;
-- `snippet` expects docs/editors/neovim/opensafely.lua, loaded before this script, to attach one
-- when the file is opened. One result per line:
--   DIAG <line>:<col>-<endline>:<endcol> <severity> <code> <message>     (0-based, as the server sent them)
--   COMPLETION <count> <label> <label> ...
--   ERROR <text>
-- Neovim 0.7 has vim.lsp.start_client and buf_attach_client, but not vim.lsp.start (0.8+).

local out = {}
local function emit(line)
  table.insert(out, line)
end

local function finish(status)
  local path = os.getenv('E2E_OUT')
  local f = assert(io.open(path, 'w'))
  f:write(table.concat(out, '\n'), '\n')
  f:close()
  if status == 0 then
    vim.cmd('qall!')
  else
    vim.cmd('cquit! ' .. status)
  end
end

local function run()
  local java = os.getenv('OPENSAFELY_JAVA') or 'java'
  local jar = os.getenv('OPENSAFELY_LSP_JAR')
  local study = assert(os.getenv('STUDY_DIR'), 'STUDY_DIR is not set')
  local completion_line = tonumber(os.getenv('COMPLETION_LINE') or '0')
  local completion_character = tonumber(os.getenv('COMPLETION_CHARACTER') or '0')

  vim.cmd('edit ' .. vim.fn.fnameescape(study .. '/project.yaml'))
  local buf = vim.api.nvim_get_current_buf()
  vim.bo[buf].filetype = 'yaml' -- -u NONE means no filetype detection; the server uses it as languageId

  local exited, stopping = false, false
  local client_id
  if os.getenv('CLIENT') == 'snippet' then
    -- The documented configuration attached a client from its BufReadPost autocmd.
    vim.wait(10000, function() return next(vim.lsp.buf_get_clients(buf)) ~= nil end, 50)
    client_id = next(vim.lsp.buf_get_clients(buf))
    if not client_id then
      emit('ERROR the configuration snippet attached no client to ' .. vim.api.nvim_buf_get_name(buf))
      return 1
    end
    emit('CLIENT ' .. vim.lsp.get_client_by_id(client_id).name)
  else
    client_id = vim.lsp.start_client({
      name = 'opensafely',
      cmd = { java, '-jar', jar },
      root_dir = study,
      workspace_folders = { { uri = vim.uri_from_fname(study), name = 'study' } },
      on_exit = function(code, signal)
        exited = true
        if stopping then return end
        emit(string.format('ERROR server exited with code %s signal %s', tostring(code), tostring(signal)))
      end,
    })
    if not client_id then
      emit('ERROR vim.lsp.start_client returned nil')
      return 1
    end
    vim.lsp.buf_attach_client(buf, client_id)
  end

  -- The server pushes publishDiagnostics (Neovim 0.7 cannot pull them).
  local got = vim.wait(30000, function()
    return exited or #vim.diagnostic.get(buf) > 0
  end, 50)
  if not got or exited then
    emit('ERROR no diagnostics within 30 s')
    return 1
  end
  for _, d in ipairs(vim.diagnostic.get(buf)) do
    emit(string.format('DIAG %d:%d-%d:%d %d %s %s', d.lnum, d.col, d.end_lnum, d.end_col, d.severity,
      tostring(d.code), (d.message:gsub('\n', ' '))))
  end

  local params = {
    textDocument = { uri = vim.uri_from_bufnr(buf) },
    position = { line = completion_line, character = completion_character },
  }
  local responses, err = vim.lsp.buf_request_sync(buf, 'textDocument/completion', params, 15000)
  if not responses then
    emit('ERROR completion: ' .. tostring(err))
    return 1
  end
  local response = responses[client_id]
  if not response or response.err then
    emit('ERROR completion: ' .. vim.inspect(response and response.err))
    return 1
  end
  local result = response.result
  if result == nil or result == vim.NIL then
    emit('ERROR completion result was null')
    return 1
  end
  local items = result.items or result
  local labels = {}
  for _, item in ipairs(items) do
    table.insert(labels, item.label)
  end
  emit(string.format('COMPLETION %d %s', #labels, table.concat(labels, ' ')))

  stopping = true
  vim.lsp.stop_client(client_id)
  vim.wait(5000, function() return vim.lsp.get_client_by_id(client_id) == nil end, 50)
  return 0
end

local ok, status = pcall(run)
if not ok then
  emit('ERROR ' .. tostring(status))
  status = 1
end
finish(status)
