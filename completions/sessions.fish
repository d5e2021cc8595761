complete --keep-order --exclusive --command sessions --arguments "(SESSIONS_COMPLETE=fish sessions -- (commandline --current-process --tokenize --cut-at-cursor) (commandline --current-token))"
