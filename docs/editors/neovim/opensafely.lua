-- OpenSAFELY language server for Neovim 0.7 or newer.
-- Save as ~/.config/nvim/lua/opensafely.lua and add `require('opensafely')` to your init.lua
-- (or `lua require('opensafely')` to init.vim). Needs Java 17+ and the server jar at
-- ~/.opensafely-lsp/opensafely-lsp.jar (or set OPENSAFELY_LSP_JAR to where it is).
--
-- It starts one server per study folder (the nearest folder holding project.yaml) and attaches
-- project.yaml and the Python files under analysis/ to it. In those buffers: diagnostics as you
-- type, completion with <C-x><C-o>, and hover, go-to-definition and rename through the usual
-- vim.lsp.buf functions (mapped below to K, gd and <leader>rn).

local jar = vim.env.OPENSAFELY_LSP_JAR or vim.fn.expand('~/.opensafely-lsp/opensafely-lsp.jar')
local java = vim.env.JAVA_HOME and (vim.env.JAVA_HOME .. '/bin/java') or 'java'

local clients = {} -- study folder -> client id

local function study_folder(path)
  local dir = vim.fn.fnamemodify(path, ':p:h')
  while true do
    if vim.fn.filereadable(dir .. '/project.yaml') == 1 then
      return dir
    end
    local parent = vim.fn.fnamemodify(dir, ':h')
    if parent == dir then
      return nil
    end
    dir = parent
  end
end

local function is_study_file(path)
  return vim.fn.fnamemodify(path, ':t') == 'project.yaml' or path:match('/analysis/.+%.py$') ~= nil
end

local function attach(args)
  local path = vim.api.nvim_buf_get_name(args.buf)
  if not is_study_file(path) then
    return
  end
  local root = study_folder(path)
  if not root then
    return
  end
  local id = clients[root]
  if not id or not vim.lsp.get_client_by_id(id) then
    id = vim.lsp.start_client({
      name = 'opensafely',
      -- A bounded heap keeps the server under 300 MB resident on the largest studies (see docs/editors/README.md).
      cmd = { java, '-XX:+UseSerialGC', '-Xmx192m', '-Xmn96m', '-XX:SurvivorRatio=2', '-jar', jar },
      root_dir = root,
      workspace_folders = { { uri = vim.uri_from_fname(root), name = vim.fn.fnamemodify(root, ':t') } },
    })
    if not id then
      vim.notify('OpenSAFELY: could not start `' .. java .. ' -jar ' .. jar .. '` (Java 17+ needed)', vim.log.levels.ERROR)
      return
    end
    clients[root] = id
  end
  vim.lsp.buf_attach_client(args.buf, id)
  vim.bo[args.buf].omnifunc = 'v:lua.vim.lsp.omnifunc'
  local opts = { buffer = args.buf }
  vim.keymap.set('n', 'K', vim.lsp.buf.hover, opts)
  vim.keymap.set('n', 'gd', vim.lsp.buf.definition, opts)
  vim.keymap.set('n', '<leader>rn', vim.lsp.buf.rename, opts)
end

vim.api.nvim_create_autocmd({ 'BufReadPost', 'BufNewFile' }, {
  pattern = { 'project.yaml', '*.py' },
  callback = attach,
})
