
using namespace System.Management.Automation
using namespace System.Management.Automation.Language

Register-ArgumentCompleter -Native -CommandName 'sessions' -ScriptBlock {
    param($wordToComplete, $commandAst, $cursorPosition)

    $commandElements = $commandAst.CommandElements
    $command = @(
        'sessions'
        for ($i = 1; $i -lt $commandElements.Count; $i++) {
            $element = $commandElements[$i]
            if ($element -isnot [StringConstantExpressionAst] -or
                $element.StringConstantType -ne [StringConstantType]::BareWord -or
                $element.Value.StartsWith('-') -or
                $element.Value -eq $wordToComplete) {
                break
        }
        $element.Value
    }) -join ';'

    $completions = @(switch ($command) {
        'sessions' {
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file (default: $XDG_CONFIG_HOME/sessions/config.toml, else ~/.config/sessions/config.toml)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Named target(s) from the config file; a comma list asks several servers at once')
            [CompletionResult]::new('--parallel', '--parallel', [CompletionResultType]::ParameterName, 'With several targets: ask at most N at a time (each holds a connection while it is asked; N is lowered to fit the open-file limit)')
            [CompletionResult]::new('-u', '-u', [CompletionResultType]::ParameterName, 'Server to ask: http(s)://HOST:PORT for datarhei Core, ws(s)://HOST:PORT/ for TwinCAT HMI')
            [CompletionResult]::new('--url', '--url', [CompletionResultType]::ParameterName, 'Server to ask: http(s)://HOST:PORT for datarhei Core, ws(s)://HOST:PORT/ for TwinCAT HMI')
            [CompletionResult]::new('--source', '--source', [CompletionResultType]::ParameterName, 'Override the source guessed from the URL')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'User name to log in with; the password comes from SESSIONS_PASSWORD or --password-stdin')
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'A ready datarhei access token (sent as a bearer token)')
            [CompletionResult]::new('--ca-cert', '--ca-cert', [CompletionResultType]::ParameterName, 'Trust this PEM CA certificate (instead of the system''s roots), e.g. a server''s own root')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Bound on connecting, sending the request and receiving the reply, e.g. 500ms, 10s, 1m [default: 10s, or the context''s timeout]')
            [CompletionResult]::new('--max-body-size', '--max-body-size', [CompletionResultType]::ParameterName, 'Refuse a reply larger than this, e.g. 64MiB')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output-file', '--output-file', [CompletionResultType]::ParameterName, 'Write the output to this file atomically (temporary file, then rename); print nothing')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (NO_COLOR and CLICOLOR_FORCE are honoured with auto)')
            [CompletionResult]::new('--all-contexts', '--all-contexts', [CompletionResultType]::ParameterName, 'Ask every context of the config file at once')
            [CompletionResult]::new('--password-stdin', '--password-stdin', [CompletionResultType]::ParameterName, 'Read the password from the first line of standard input')
            [CompletionResult]::new('--insecure', '--insecure', [CompletionResultType]::ParameterName, 'Accept a TLS certificate that cannot be verified (prints a warning)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Short for --output json')
            [CompletionResult]::new('--no-headers', '--no-headers', [CompletionResultType]::ParameterName, 'Leave out the header line of table, wide and tsv output')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say on stderr what is being asked of whom')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say on stderr what is being asked of whom')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print no warnings')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print no warnings')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('active', 'active', [CompletionResultType]::ParameterValue, 'One row per active session')
            [CompletionResult]::new('summary', 'summary', [CompletionResultType]::ParameterValue, 'Per collector: active sessions, bandwidth, configured limits, finished-session totals')
            [CompletionResult]::new('clients', 'clients', [CompletionResultType]::ParameterValue, 'TwinCAT HMI: one row per connected WebSocket (client, session id, user, registered commands)')
            [CompletionResult]::new('subscriptions', 'subscriptions', [CompletionResultType]::ParameterValue, 'TwinCAT HMI: one row per subscription (key, id, type, interval, clients, JSON length, average duration, symbols)')
            [CompletionResult]::new('watch', 'watch', [CompletionResultType]::ParameterValue, 'Live view of the active sessions: a redrawn table on a terminal, NDJSON events otherwise')
            [CompletionResult]::new('config', 'config', [CompletionResultType]::ParameterValue, 'Named contexts of the config file: list, show, set, use')
            [CompletionResult]::new('collect', 'collect', [CompletionResultType]::ParameterValue, 'Run the local collector continuously: record finished sessions, optionally serve them')
            [CompletionResult]::new('kick', 'kick', [CompletionResultType]::ParameterValue, 'Disconnect sessions where the server can (MediaMTX, SRS, nginx-rtmp, Icecast)')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print the shell completion script')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'sessions;active' {
            [CompletionResult]::new('--collectors', '--collectors', [CompletionResultType]::ParameterName, 'Comma list of collectors (default: all): hls, hlsingress, http, https, rtmp, srt, ffmpeg')
            [CompletionResult]::new('--sort-by', '--sort-by', [CompletionResultType]::ParameterName, 'Sort by this field (numbers largest first, text A to Z)')
            [CompletionResult]::new('--limit', '--limit', [CompletionResultType]::ParameterName, 'Show at most N sessions (after filtering and sorting)')
            [CompletionResult]::new('--filter', '--filter', [CompletionResultType]::ParameterName, 'Keep sessions matching FIELD=VALUE or FIELD!=VALUE (repeatable; all must match). FIELD: collector, id, reference, local, remote, extra. VALUE: exact text, a glob with *, or for local/remote an IP address or CIDR (remote=10.0.0.0/8)')
            [CompletionResult]::new('--interval', '--interval', [CompletionResultType]::ParameterName, 'Time between two polls of a watch, e.g. 500ms, 2s')
            [CompletionResult]::new('--rounds', '--rounds', [CompletionResultType]::ParameterName, 'Stop a watch after N polls (for tests and scripts)')
            [CompletionResult]::new('--port-map', '--port-map', [CompletionResultType]::ParameterName, 'Local collector: COLLECTOR=PORTS gives a collector exactly these ports instead of its defaults (rtmp=19350); COLLECTOR+=PORTS adds them and keeps the defaults (rtmp+=41936 keeps 1935 and 1936). Repeatable, applied in order after the context''s port_map; srt is UDP, the others TCP')
            [CompletionResult]::new('--proc-root', '--proc-root', [CompletionResultType]::ParameterName, 'Local collector: the proc filesystem to read processes and sockets from')
            [CompletionResult]::new('--sample', '--sample', [CompletionResultType]::ParameterName, 'Local collector: how long to watch the sockets to measure bit rates, e.g. 200ms, 1s; 0s takes one look and reports no rates')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file (default: $XDG_CONFIG_HOME/sessions/config.toml, else ~/.config/sessions/config.toml)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Named target(s) from the config file; a comma list asks several servers at once')
            [CompletionResult]::new('--parallel', '--parallel', [CompletionResultType]::ParameterName, 'With several targets: ask at most N at a time (each holds a connection while it is asked; N is lowered to fit the open-file limit)')
            [CompletionResult]::new('-u', '-u', [CompletionResultType]::ParameterName, 'Server to ask: http(s)://HOST:PORT for datarhei Core, ws(s)://HOST:PORT/ for TwinCAT HMI')
            [CompletionResult]::new('--url', '--url', [CompletionResultType]::ParameterName, 'Server to ask: http(s)://HOST:PORT for datarhei Core, ws(s)://HOST:PORT/ for TwinCAT HMI')
            [CompletionResult]::new('--source', '--source', [CompletionResultType]::ParameterName, 'Override the source guessed from the URL')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'User name to log in with; the password comes from SESSIONS_PASSWORD or --password-stdin')
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'A ready datarhei access token (sent as a bearer token)')
            [CompletionResult]::new('--ca-cert', '--ca-cert', [CompletionResultType]::ParameterName, 'Trust this PEM CA certificate (instead of the system''s roots), e.g. a server''s own root')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Bound on connecting, sending the request and receiving the reply, e.g. 500ms, 10s, 1m [default: 10s, or the context''s timeout]')
            [CompletionResult]::new('--max-body-size', '--max-body-size', [CompletionResultType]::ParameterName, 'Refuse a reply larger than this, e.g. 64MiB')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output-file', '--output-file', [CompletionResultType]::ParameterName, 'Write the output to this file atomically (temporary file, then rename); print nothing')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (NO_COLOR and CLICOLOR_FORCE are honoured with auto)')
            [CompletionResult]::new('--reverse', '--reverse', [CompletionResultType]::ParameterName, 'Reverse the order')
            [CompletionResult]::new('--watch', '--watch', [CompletionResultType]::ParameterName, 'Keep watching: a redrawn table on a terminal, NDJSON events otherwise (as `sessions watch`)')
            [CompletionResult]::new('--per-session', '--per-session', [CompletionResultType]::ParameterName, 'With -o prometheus: one series per session (labels collector, id, reference, local, remote); mind the cardinality')
            [CompletionResult]::new('--all', '--all', [CompletionResultType]::ParameterName, 'Local collector: list every socket on a mapped port and every ffmpeg input and output, not only the sessions: this machine''s own web traffic (a package manager''s HTTPS), ffmpeg''s generated inputs (-f lavfi), files, pipes and -f null outputs')
            [CompletionResult]::new('--all-contexts', '--all-contexts', [CompletionResultType]::ParameterName, 'Ask every context of the config file at once')
            [CompletionResult]::new('--password-stdin', '--password-stdin', [CompletionResultType]::ParameterName, 'Read the password from the first line of standard input')
            [CompletionResult]::new('--insecure', '--insecure', [CompletionResultType]::ParameterName, 'Accept a TLS certificate that cannot be verified (prints a warning)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Short for --output json')
            [CompletionResult]::new('--no-headers', '--no-headers', [CompletionResultType]::ParameterName, 'Leave out the header line of table, wide and tsv output')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say on stderr what is being asked of whom')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say on stderr what is being asked of whom')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print no warnings')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print no warnings')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'sessions;summary' {
            [CompletionResult]::new('--collectors', '--collectors', [CompletionResultType]::ParameterName, 'Comma list of collectors (default: all): hls, hlsingress, http, https, rtmp, srt, ffmpeg')
            [CompletionResult]::new('--by', '--by', [CompletionResultType]::ParameterName, 'Break the finished-session totals down by remote, local or reference')
            [CompletionResult]::new('--top', '--top', [CompletionResultType]::ParameterName, 'With --by: keep the N largest rows per collector (by traffic)')
            [CompletionResult]::new('--port-map', '--port-map', [CompletionResultType]::ParameterName, 'Local collector: COLLECTOR=PORTS gives a collector exactly these ports instead of its defaults (rtmp=19350); COLLECTOR+=PORTS adds them and keeps the defaults (rtmp+=41936 keeps 1935 and 1936). Repeatable, applied in order after the context''s port_map; srt is UDP, the others TCP')
            [CompletionResult]::new('--proc-root', '--proc-root', [CompletionResultType]::ParameterName, 'Local collector: the proc filesystem to read processes and sockets from')
            [CompletionResult]::new('--sample', '--sample', [CompletionResultType]::ParameterName, 'Local collector: how long to watch the sockets to measure bit rates (0s: no rates)')
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'Local collector: the history store `collect` writes (default as for `collect`)')
            [CompletionResult]::new('--day', '--day', [CompletionResultType]::ParameterName, 'Local collector: count only the sessions that ended on this UTC day, e.g. 2026-11-24')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file (default: $XDG_CONFIG_HOME/sessions/config.toml, else ~/.config/sessions/config.toml)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Named target(s) from the config file; a comma list asks several servers at once')
            [CompletionResult]::new('--parallel', '--parallel', [CompletionResultType]::ParameterName, 'With several targets: ask at most N at a time (each holds a connection while it is asked; N is lowered to fit the open-file limit)')
            [CompletionResult]::new('-u', '-u', [CompletionResultType]::ParameterName, 'Server to ask: http(s)://HOST:PORT for datarhei Core, ws(s)://HOST:PORT/ for TwinCAT HMI')
            [CompletionResult]::new('--url', '--url', [CompletionResultType]::ParameterName, 'Server to ask: http(s)://HOST:PORT for datarhei Core, ws(s)://HOST:PORT/ for TwinCAT HMI')
            [CompletionResult]::new('--source', '--source', [CompletionResultType]::ParameterName, 'Override the source guessed from the URL')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'User name to log in with; the password comes from SESSIONS_PASSWORD or --password-stdin')
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'A ready datarhei access token (sent as a bearer token)')
            [CompletionResult]::new('--ca-cert', '--ca-cert', [CompletionResultType]::ParameterName, 'Trust this PEM CA certificate (instead of the system''s roots), e.g. a server''s own root')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Bound on connecting, sending the request and receiving the reply, e.g. 500ms, 10s, 1m [default: 10s, or the context''s timeout]')
            [CompletionResult]::new('--max-body-size', '--max-body-size', [CompletionResultType]::ParameterName, 'Refuse a reply larger than this, e.g. 64MiB')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output-file', '--output-file', [CompletionResultType]::ParameterName, 'Write the output to this file atomically (temporary file, then rename); print nothing')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (NO_COLOR and CLICOLOR_FORCE are honoured with auto)')
            [CompletionResult]::new('--all', '--all', [CompletionResultType]::ParameterName, 'Local collector: list every socket on a mapped port and every ffmpeg input and output, not only the sessions: this machine''s own web traffic (a package manager''s HTTPS), ffmpeg''s generated inputs (-f lavfi), files, pipes and -f null outputs')
            [CompletionResult]::new('--all-contexts', '--all-contexts', [CompletionResultType]::ParameterName, 'Ask every context of the config file at once')
            [CompletionResult]::new('--password-stdin', '--password-stdin', [CompletionResultType]::ParameterName, 'Read the password from the first line of standard input')
            [CompletionResult]::new('--insecure', '--insecure', [CompletionResultType]::ParameterName, 'Accept a TLS certificate that cannot be verified (prints a warning)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Short for --output json')
            [CompletionResult]::new('--no-headers', '--no-headers', [CompletionResultType]::ParameterName, 'Leave out the header line of table, wide and tsv output')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say on stderr what is being asked of whom')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say on stderr what is being asked of whom')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print no warnings')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print no warnings')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'sessions;clients' {
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file (default: $XDG_CONFIG_HOME/sessions/config.toml, else ~/.config/sessions/config.toml)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Named target(s) from the config file; a comma list asks several servers at once')
            [CompletionResult]::new('--parallel', '--parallel', [CompletionResultType]::ParameterName, 'With several targets: ask at most N at a time (each holds a connection while it is asked; N is lowered to fit the open-file limit)')
            [CompletionResult]::new('-u', '-u', [CompletionResultType]::ParameterName, 'Server to ask: http(s)://HOST:PORT for datarhei Core, ws(s)://HOST:PORT/ for TwinCAT HMI')
            [CompletionResult]::new('--url', '--url', [CompletionResultType]::ParameterName, 'Server to ask: http(s)://HOST:PORT for datarhei Core, ws(s)://HOST:PORT/ for TwinCAT HMI')
            [CompletionResult]::new('--source', '--source', [CompletionResultType]::ParameterName, 'Override the source guessed from the URL')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'User name to log in with; the password comes from SESSIONS_PASSWORD or --password-stdin')
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'A ready datarhei access token (sent as a bearer token)')
            [CompletionResult]::new('--ca-cert', '--ca-cert', [CompletionResultType]::ParameterName, 'Trust this PEM CA certificate (instead of the system''s roots), e.g. a server''s own root')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Bound on connecting, sending the request and receiving the reply, e.g. 500ms, 10s, 1m [default: 10s, or the context''s timeout]')
            [CompletionResult]::new('--max-body-size', '--max-body-size', [CompletionResultType]::ParameterName, 'Refuse a reply larger than this, e.g. 64MiB')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output-file', '--output-file', [CompletionResultType]::ParameterName, 'Write the output to this file atomically (temporary file, then rename); print nothing')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (NO_COLOR and CLICOLOR_FORCE are honoured with auto)')
            [CompletionResult]::new('--all-contexts', '--all-contexts', [CompletionResultType]::ParameterName, 'Ask every context of the config file at once')
            [CompletionResult]::new('--password-stdin', '--password-stdin', [CompletionResultType]::ParameterName, 'Read the password from the first line of standard input')
            [CompletionResult]::new('--insecure', '--insecure', [CompletionResultType]::ParameterName, 'Accept a TLS certificate that cannot be verified (prints a warning)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Short for --output json')
            [CompletionResult]::new('--no-headers', '--no-headers', [CompletionResultType]::ParameterName, 'Leave out the header line of table, wide and tsv output')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say on stderr what is being asked of whom')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say on stderr what is being asked of whom')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print no warnings')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print no warnings')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'sessions;subscriptions' {
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file (default: $XDG_CONFIG_HOME/sessions/config.toml, else ~/.config/sessions/config.toml)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Named target(s) from the config file; a comma list asks several servers at once')
            [CompletionResult]::new('--parallel', '--parallel', [CompletionResultType]::ParameterName, 'With several targets: ask at most N at a time (each holds a connection while it is asked; N is lowered to fit the open-file limit)')
            [CompletionResult]::new('-u', '-u', [CompletionResultType]::ParameterName, 'Server to ask: http(s)://HOST:PORT for datarhei Core, ws(s)://HOST:PORT/ for TwinCAT HMI')
            [CompletionResult]::new('--url', '--url', [CompletionResultType]::ParameterName, 'Server to ask: http(s)://HOST:PORT for datarhei Core, ws(s)://HOST:PORT/ for TwinCAT HMI')
            [CompletionResult]::new('--source', '--source', [CompletionResultType]::ParameterName, 'Override the source guessed from the URL')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'User name to log in with; the password comes from SESSIONS_PASSWORD or --password-stdin')
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'A ready datarhei access token (sent as a bearer token)')
            [CompletionResult]::new('--ca-cert', '--ca-cert', [CompletionResultType]::ParameterName, 'Trust this PEM CA certificate (instead of the system''s roots), e.g. a server''s own root')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Bound on connecting, sending the request and receiving the reply, e.g. 500ms, 10s, 1m [default: 10s, or the context''s timeout]')
            [CompletionResult]::new('--max-body-size', '--max-body-size', [CompletionResultType]::ParameterName, 'Refuse a reply larger than this, e.g. 64MiB')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output-file', '--output-file', [CompletionResultType]::ParameterName, 'Write the output to this file atomically (temporary file, then rename); print nothing')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (NO_COLOR and CLICOLOR_FORCE are honoured with auto)')
            [CompletionResult]::new('--lengths', '--lengths', [CompletionResultType]::ParameterName, 'Ask the server for each subscription''s value size as JSON (readValueJsonLength)')
            [CompletionResult]::new('--durations', '--durations', [CompletionResultType]::ParameterName, 'Ask the server for each subscription''s average processing time (averageDuration)')
            [CompletionResult]::new('--all-contexts', '--all-contexts', [CompletionResultType]::ParameterName, 'Ask every context of the config file at once')
            [CompletionResult]::new('--password-stdin', '--password-stdin', [CompletionResultType]::ParameterName, 'Read the password from the first line of standard input')
            [CompletionResult]::new('--insecure', '--insecure', [CompletionResultType]::ParameterName, 'Accept a TLS certificate that cannot be verified (prints a warning)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Short for --output json')
            [CompletionResult]::new('--no-headers', '--no-headers', [CompletionResultType]::ParameterName, 'Leave out the header line of table, wide and tsv output')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say on stderr what is being asked of whom')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say on stderr what is being asked of whom')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print no warnings')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print no warnings')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'sessions;watch' {
            [CompletionResult]::new('--collectors', '--collectors', [CompletionResultType]::ParameterName, 'Comma list of collectors (default: all): hls, hlsingress, http, https, rtmp, srt, ffmpeg')
            [CompletionResult]::new('--sort-by', '--sort-by', [CompletionResultType]::ParameterName, 'Sort by this field (numbers largest first, text A to Z)')
            [CompletionResult]::new('--limit', '--limit', [CompletionResultType]::ParameterName, 'Show at most N sessions (after filtering and sorting)')
            [CompletionResult]::new('--filter', '--filter', [CompletionResultType]::ParameterName, 'Keep sessions matching FIELD=VALUE or FIELD!=VALUE (repeatable; all must match). FIELD: collector, id, reference, local, remote, extra. VALUE: exact text, a glob with *, or for local/remote an IP address or CIDR (remote=10.0.0.0/8)')
            [CompletionResult]::new('--interval', '--interval', [CompletionResultType]::ParameterName, 'Time between two polls of a watch, e.g. 500ms, 2s')
            [CompletionResult]::new('--rounds', '--rounds', [CompletionResultType]::ParameterName, 'Stop a watch after N polls (for tests and scripts)')
            [CompletionResult]::new('--port-map', '--port-map', [CompletionResultType]::ParameterName, 'Local collector: COLLECTOR=PORTS gives a collector exactly these ports instead of its defaults (rtmp=19350); COLLECTOR+=PORTS adds them and keeps the defaults (rtmp+=41936 keeps 1935 and 1936). Repeatable, applied in order after the context''s port_map; srt is UDP, the others TCP')
            [CompletionResult]::new('--proc-root', '--proc-root', [CompletionResultType]::ParameterName, 'Local collector: the proc filesystem to read processes and sockets from')
            [CompletionResult]::new('--sample', '--sample', [CompletionResultType]::ParameterName, 'Local collector: how long to watch the sockets to measure bit rates, e.g. 200ms, 1s; 0s takes one look and reports no rates')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file (default: $XDG_CONFIG_HOME/sessions/config.toml, else ~/.config/sessions/config.toml)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Named target(s) from the config file; a comma list asks several servers at once')
            [CompletionResult]::new('--parallel', '--parallel', [CompletionResultType]::ParameterName, 'With several targets: ask at most N at a time (each holds a connection while it is asked; N is lowered to fit the open-file limit)')
            [CompletionResult]::new('-u', '-u', [CompletionResultType]::ParameterName, 'Server to ask: http(s)://HOST:PORT for datarhei Core, ws(s)://HOST:PORT/ for TwinCAT HMI')
            [CompletionResult]::new('--url', '--url', [CompletionResultType]::ParameterName, 'Server to ask: http(s)://HOST:PORT for datarhei Core, ws(s)://HOST:PORT/ for TwinCAT HMI')
            [CompletionResult]::new('--source', '--source', [CompletionResultType]::ParameterName, 'Override the source guessed from the URL')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'User name to log in with; the password comes from SESSIONS_PASSWORD or --password-stdin')
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'A ready datarhei access token (sent as a bearer token)')
            [CompletionResult]::new('--ca-cert', '--ca-cert', [CompletionResultType]::ParameterName, 'Trust this PEM CA certificate (instead of the system''s roots), e.g. a server''s own root')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Bound on connecting, sending the request and receiving the reply, e.g. 500ms, 10s, 1m [default: 10s, or the context''s timeout]')
            [CompletionResult]::new('--max-body-size', '--max-body-size', [CompletionResultType]::ParameterName, 'Refuse a reply larger than this, e.g. 64MiB')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output-file', '--output-file', [CompletionResultType]::ParameterName, 'Write the output to this file atomically (temporary file, then rename); print nothing')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (NO_COLOR and CLICOLOR_FORCE are honoured with auto)')
            [CompletionResult]::new('--reverse', '--reverse', [CompletionResultType]::ParameterName, 'Reverse the order')
            [CompletionResult]::new('--watch', '--watch', [CompletionResultType]::ParameterName, 'Keep watching: a redrawn table on a terminal, NDJSON events otherwise (as `sessions watch`)')
            [CompletionResult]::new('--per-session', '--per-session', [CompletionResultType]::ParameterName, 'With -o prometheus: one series per session (labels collector, id, reference, local, remote); mind the cardinality')
            [CompletionResult]::new('--all', '--all', [CompletionResultType]::ParameterName, 'Local collector: list every socket on a mapped port and every ffmpeg input and output, not only the sessions: this machine''s own web traffic (a package manager''s HTTPS), ffmpeg''s generated inputs (-f lavfi), files, pipes and -f null outputs')
            [CompletionResult]::new('--all-contexts', '--all-contexts', [CompletionResultType]::ParameterName, 'Ask every context of the config file at once')
            [CompletionResult]::new('--password-stdin', '--password-stdin', [CompletionResultType]::ParameterName, 'Read the password from the first line of standard input')
            [CompletionResult]::new('--insecure', '--insecure', [CompletionResultType]::ParameterName, 'Accept a TLS certificate that cannot be verified (prints a warning)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Short for --output json')
            [CompletionResult]::new('--no-headers', '--no-headers', [CompletionResultType]::ParameterName, 'Leave out the header line of table, wide and tsv output')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say on stderr what is being asked of whom')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say on stderr what is being asked of whom')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print no warnings')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print no warnings')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'sessions;config' {
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file (default: $XDG_CONFIG_HOME/sessions/config.toml, else ~/.config/sessions/config.toml)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Named target(s) from the config file; a comma list asks several servers at once')
            [CompletionResult]::new('--parallel', '--parallel', [CompletionResultType]::ParameterName, 'With several targets: ask at most N at a time (each holds a connection while it is asked; N is lowered to fit the open-file limit)')
            [CompletionResult]::new('-u', '-u', [CompletionResultType]::ParameterName, 'Server to ask: http(s)://HOST:PORT for datarhei Core, ws(s)://HOST:PORT/ for TwinCAT HMI')
            [CompletionResult]::new('--url', '--url', [CompletionResultType]::ParameterName, 'Server to ask: http(s)://HOST:PORT for datarhei Core, ws(s)://HOST:PORT/ for TwinCAT HMI')
            [CompletionResult]::new('--source', '--source', [CompletionResultType]::ParameterName, 'Override the source guessed from the URL')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'User name to log in with; the password comes from SESSIONS_PASSWORD or --password-stdin')
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'A ready datarhei access token (sent as a bearer token)')
            [CompletionResult]::new('--ca-cert', '--ca-cert', [CompletionResultType]::ParameterName, 'Trust this PEM CA certificate (instead of the system''s roots), e.g. a server''s own root')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Bound on connecting, sending the request and receiving the reply, e.g. 500ms, 10s, 1m [default: 10s, or the context''s timeout]')
            [CompletionResult]::new('--max-body-size', '--max-body-size', [CompletionResultType]::ParameterName, 'Refuse a reply larger than this, e.g. 64MiB')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output-file', '--output-file', [CompletionResultType]::ParameterName, 'Write the output to this file atomically (temporary file, then rename); print nothing')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (NO_COLOR and CLICOLOR_FORCE are honoured with auto)')
            [CompletionResult]::new('--all-contexts', '--all-contexts', [CompletionResultType]::ParameterName, 'Ask every context of the config file at once')
            [CompletionResult]::new('--password-stdin', '--password-stdin', [CompletionResultType]::ParameterName, 'Read the password from the first line of standard input')
            [CompletionResult]::new('--insecure', '--insecure', [CompletionResultType]::ParameterName, 'Accept a TLS certificate that cannot be verified (prints a warning)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Short for --output json')
            [CompletionResult]::new('--no-headers', '--no-headers', [CompletionResultType]::ParameterName, 'Leave out the header line of table, wide and tsv output')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say on stderr what is being asked of whom')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say on stderr what is being asked of whom')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print no warnings')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print no warnings')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List the contexts (the current one is marked)')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Show one context''s settings (default: the current one); secrets are never shown')
            [CompletionResult]::new('set', 'set', [CompletionResultType]::ParameterValue, 'Create or update a context (the file is written atomically, mode 0600)')
            [CompletionResult]::new('use', 'use', [CompletionResultType]::ParameterValue, 'Make a context the current one (used when neither --url nor --context is given)')
            [CompletionResult]::new('current', 'current', [CompletionResultType]::ParameterValue, 'Print the name of the current context')
            [CompletionResult]::new('delete', 'delete', [CompletionResultType]::ParameterValue, 'Remove a context (and clear current-context if it was the current one)')
            [CompletionResult]::new('rename', 'rename', [CompletionResultType]::ParameterValue, 'Give a context a new name (current-context follows it)')
            [CompletionResult]::new('unset', 'unset', [CompletionResultType]::ParameterValue, 'Remove keys from a context, e.g. `config unset studio timeout insecure`')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'sessions;config;list' {
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file (default: $XDG_CONFIG_HOME/sessions/config.toml, else ~/.config/sessions/config.toml)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Named target(s) from the config file; a comma list asks several servers at once')
            [CompletionResult]::new('--parallel', '--parallel', [CompletionResultType]::ParameterName, 'With several targets: ask at most N at a time (each holds a connection while it is asked; N is lowered to fit the open-file limit)')
            [CompletionResult]::new('-u', '-u', [CompletionResultType]::ParameterName, 'Server to ask: http(s)://HOST:PORT for datarhei Core, ws(s)://HOST:PORT/ for TwinCAT HMI')
            [CompletionResult]::new('--url', '--url', [CompletionResultType]::ParameterName, 'Server to ask: http(s)://HOST:PORT for datarhei Core, ws(s)://HOST:PORT/ for TwinCAT HMI')
            [CompletionResult]::new('--source', '--source', [CompletionResultType]::ParameterName, 'Override the source guessed from the URL')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'User name to log in with; the password comes from SESSIONS_PASSWORD or --password-stdin')
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'A ready datarhei access token (sent as a bearer token)')
            [CompletionResult]::new('--ca-cert', '--ca-cert', [CompletionResultType]::ParameterName, 'Trust this PEM CA certificate (instead of the system''s roots), e.g. a server''s own root')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Bound on connecting, sending the request and receiving the reply, e.g. 500ms, 10s, 1m [default: 10s, or the context''s timeout]')
            [CompletionResult]::new('--max-body-size', '--max-body-size', [CompletionResultType]::ParameterName, 'Refuse a reply larger than this, e.g. 64MiB')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output-file', '--output-file', [CompletionResultType]::ParameterName, 'Write the output to this file atomically (temporary file, then rename); print nothing')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (NO_COLOR and CLICOLOR_FORCE are honoured with auto)')
            [CompletionResult]::new('--all-contexts', '--all-contexts', [CompletionResultType]::ParameterName, 'Ask every context of the config file at once')
            [CompletionResult]::new('--password-stdin', '--password-stdin', [CompletionResultType]::ParameterName, 'Read the password from the first line of standard input')
            [CompletionResult]::new('--insecure', '--insecure', [CompletionResultType]::ParameterName, 'Accept a TLS certificate that cannot be verified (prints a warning)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Short for --output json')
            [CompletionResult]::new('--no-headers', '--no-headers', [CompletionResultType]::ParameterName, 'Leave out the header line of table, wide and tsv output')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say on stderr what is being asked of whom')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say on stderr what is being asked of whom')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print no warnings')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print no warnings')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'sessions;config;show' {
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file (default: $XDG_CONFIG_HOME/sessions/config.toml, else ~/.config/sessions/config.toml)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Named target(s) from the config file; a comma list asks several servers at once')
            [CompletionResult]::new('--parallel', '--parallel', [CompletionResultType]::ParameterName, 'With several targets: ask at most N at a time (each holds a connection while it is asked; N is lowered to fit the open-file limit)')
            [CompletionResult]::new('-u', '-u', [CompletionResultType]::ParameterName, 'Server to ask: http(s)://HOST:PORT for datarhei Core, ws(s)://HOST:PORT/ for TwinCAT HMI')
            [CompletionResult]::new('--url', '--url', [CompletionResultType]::ParameterName, 'Server to ask: http(s)://HOST:PORT for datarhei Core, ws(s)://HOST:PORT/ for TwinCAT HMI')
            [CompletionResult]::new('--source', '--source', [CompletionResultType]::ParameterName, 'Override the source guessed from the URL')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'User name to log in with; the password comes from SESSIONS_PASSWORD or --password-stdin')
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'A ready datarhei access token (sent as a bearer token)')
            [CompletionResult]::new('--ca-cert', '--ca-cert', [CompletionResultType]::ParameterName, 'Trust this PEM CA certificate (instead of the system''s roots), e.g. a server''s own root')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Bound on connecting, sending the request and receiving the reply, e.g. 500ms, 10s, 1m [default: 10s, or the context''s timeout]')
            [CompletionResult]::new('--max-body-size', '--max-body-size', [CompletionResultType]::ParameterName, 'Refuse a reply larger than this, e.g. 64MiB')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output-file', '--output-file', [CompletionResultType]::ParameterName, 'Write the output to this file atomically (temporary file, then rename); print nothing')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (NO_COLOR and CLICOLOR_FORCE are honoured with auto)')
            [CompletionResult]::new('--all-contexts', '--all-contexts', [CompletionResultType]::ParameterName, 'Ask every context of the config file at once')
            [CompletionResult]::new('--password-stdin', '--password-stdin', [CompletionResultType]::ParameterName, 'Read the password from the first line of standard input')
            [CompletionResult]::new('--insecure', '--insecure', [CompletionResultType]::ParameterName, 'Accept a TLS certificate that cannot be verified (prints a warning)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Short for --output json')
            [CompletionResult]::new('--no-headers', '--no-headers', [CompletionResultType]::ParameterName, 'Leave out the header line of table, wide and tsv output')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say on stderr what is being asked of whom')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say on stderr what is being asked of whom')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print no warnings')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print no warnings')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'sessions;config;set' {
            [CompletionResult]::new('--password-command', '--password-command', [CompletionResultType]::ParameterName, 'Shell command whose first line of output is the password (run with sh -c when needed)')
            [CompletionResult]::new('--password-env', '--password-env', [CompletionResultType]::ParameterName, 'Name of the environment variable holding the password')
            [CompletionResult]::new('--token-env', '--token-env', [CompletionResultType]::ParameterName, 'Name of the environment variable holding a datarhei access token')
            [CompletionResult]::new('--port-map', '--port-map', [CompletionResultType]::ParameterName, 'Local collector port map entry: rtmp=1935,1936 gives rtmp exactly these ports, rtmp+=41936 adds one to its defaults (repeatable; replaces the stored list; the --port-map of active/summary/collect is applied after it)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file (default: $XDG_CONFIG_HOME/sessions/config.toml, else ~/.config/sessions/config.toml)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Named target(s) from the config file; a comma list asks several servers at once')
            [CompletionResult]::new('--parallel', '--parallel', [CompletionResultType]::ParameterName, 'With several targets: ask at most N at a time (each holds a connection while it is asked; N is lowered to fit the open-file limit)')
            [CompletionResult]::new('-u', '-u', [CompletionResultType]::ParameterName, 'Server to ask: http(s)://HOST:PORT for datarhei Core, ws(s)://HOST:PORT/ for TwinCAT HMI')
            [CompletionResult]::new('--url', '--url', [CompletionResultType]::ParameterName, 'Server to ask: http(s)://HOST:PORT for datarhei Core, ws(s)://HOST:PORT/ for TwinCAT HMI')
            [CompletionResult]::new('--source', '--source', [CompletionResultType]::ParameterName, 'Override the source guessed from the URL')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'User name to log in with; the password comes from SESSIONS_PASSWORD or --password-stdin')
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'A ready datarhei access token (sent as a bearer token)')
            [CompletionResult]::new('--ca-cert', '--ca-cert', [CompletionResultType]::ParameterName, 'Trust this PEM CA certificate (instead of the system''s roots), e.g. a server''s own root')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Bound on connecting, sending the request and receiving the reply, e.g. 500ms, 10s, 1m [default: 10s, or the context''s timeout]')
            [CompletionResult]::new('--max-body-size', '--max-body-size', [CompletionResultType]::ParameterName, 'Refuse a reply larger than this, e.g. 64MiB')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output-file', '--output-file', [CompletionResultType]::ParameterName, 'Write the output to this file atomically (temporary file, then rename); print nothing')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (NO_COLOR and CLICOLOR_FORCE are honoured with auto)')
            [CompletionResult]::new('--all-contexts', '--all-contexts', [CompletionResultType]::ParameterName, 'Ask every context of the config file at once')
            [CompletionResult]::new('--password-stdin', '--password-stdin', [CompletionResultType]::ParameterName, 'Read the password from the first line of standard input')
            [CompletionResult]::new('--insecure', '--insecure', [CompletionResultType]::ParameterName, 'Accept a TLS certificate that cannot be verified (prints a warning)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Short for --output json')
            [CompletionResult]::new('--no-headers', '--no-headers', [CompletionResultType]::ParameterName, 'Leave out the header line of table, wide and tsv output')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say on stderr what is being asked of whom')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say on stderr what is being asked of whom')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print no warnings')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print no warnings')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'sessions;config;use' {
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file (default: $XDG_CONFIG_HOME/sessions/config.toml, else ~/.config/sessions/config.toml)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Named target(s) from the config file; a comma list asks several servers at once')
            [CompletionResult]::new('--parallel', '--parallel', [CompletionResultType]::ParameterName, 'With several targets: ask at most N at a time (each holds a connection while it is asked; N is lowered to fit the open-file limit)')
            [CompletionResult]::new('-u', '-u', [CompletionResultType]::ParameterName, 'Server to ask: http(s)://HOST:PORT for datarhei Core, ws(s)://HOST:PORT/ for TwinCAT HMI')
            [CompletionResult]::new('--url', '--url', [CompletionResultType]::ParameterName, 'Server to ask: http(s)://HOST:PORT for datarhei Core, ws(s)://HOST:PORT/ for TwinCAT HMI')
            [CompletionResult]::new('--source', '--source', [CompletionResultType]::ParameterName, 'Override the source guessed from the URL')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'User name to log in with; the password comes from SESSIONS_PASSWORD or --password-stdin')
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'A ready datarhei access token (sent as a bearer token)')
            [CompletionResult]::new('--ca-cert', '--ca-cert', [CompletionResultType]::ParameterName, 'Trust this PEM CA certificate (instead of the system''s roots), e.g. a server''s own root')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Bound on connecting, sending the request and receiving the reply, e.g. 500ms, 10s, 1m [default: 10s, or the context''s timeout]')
            [CompletionResult]::new('--max-body-size', '--max-body-size', [CompletionResultType]::ParameterName, 'Refuse a reply larger than this, e.g. 64MiB')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output-file', '--output-file', [CompletionResultType]::ParameterName, 'Write the output to this file atomically (temporary file, then rename); print nothing')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (NO_COLOR and CLICOLOR_FORCE are honoured with auto)')
            [CompletionResult]::new('--all-contexts', '--all-contexts', [CompletionResultType]::ParameterName, 'Ask every context of the config file at once')
            [CompletionResult]::new('--password-stdin', '--password-stdin', [CompletionResultType]::ParameterName, 'Read the password from the first line of standard input')
            [CompletionResult]::new('--insecure', '--insecure', [CompletionResultType]::ParameterName, 'Accept a TLS certificate that cannot be verified (prints a warning)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Short for --output json')
            [CompletionResult]::new('--no-headers', '--no-headers', [CompletionResultType]::ParameterName, 'Leave out the header line of table, wide and tsv output')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say on stderr what is being asked of whom')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say on stderr what is being asked of whom')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print no warnings')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print no warnings')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'sessions;config;current' {
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file (default: $XDG_CONFIG_HOME/sessions/config.toml, else ~/.config/sessions/config.toml)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Named target(s) from the config file; a comma list asks several servers at once')
            [CompletionResult]::new('--parallel', '--parallel', [CompletionResultType]::ParameterName, 'With several targets: ask at most N at a time (each holds a connection while it is asked; N is lowered to fit the open-file limit)')
            [CompletionResult]::new('-u', '-u', [CompletionResultType]::ParameterName, 'Server to ask: http(s)://HOST:PORT for datarhei Core, ws(s)://HOST:PORT/ for TwinCAT HMI')
            [CompletionResult]::new('--url', '--url', [CompletionResultType]::ParameterName, 'Server to ask: http(s)://HOST:PORT for datarhei Core, ws(s)://HOST:PORT/ for TwinCAT HMI')
            [CompletionResult]::new('--source', '--source', [CompletionResultType]::ParameterName, 'Override the source guessed from the URL')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'User name to log in with; the password comes from SESSIONS_PASSWORD or --password-stdin')
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'A ready datarhei access token (sent as a bearer token)')
            [CompletionResult]::new('--ca-cert', '--ca-cert', [CompletionResultType]::ParameterName, 'Trust this PEM CA certificate (instead of the system''s roots), e.g. a server''s own root')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Bound on connecting, sending the request and receiving the reply, e.g. 500ms, 10s, 1m [default: 10s, or the context''s timeout]')
            [CompletionResult]::new('--max-body-size', '--max-body-size', [CompletionResultType]::ParameterName, 'Refuse a reply larger than this, e.g. 64MiB')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output-file', '--output-file', [CompletionResultType]::ParameterName, 'Write the output to this file atomically (temporary file, then rename); print nothing')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (NO_COLOR and CLICOLOR_FORCE are honoured with auto)')
            [CompletionResult]::new('--all-contexts', '--all-contexts', [CompletionResultType]::ParameterName, 'Ask every context of the config file at once')
            [CompletionResult]::new('--password-stdin', '--password-stdin', [CompletionResultType]::ParameterName, 'Read the password from the first line of standard input')
            [CompletionResult]::new('--insecure', '--insecure', [CompletionResultType]::ParameterName, 'Accept a TLS certificate that cannot be verified (prints a warning)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Short for --output json')
            [CompletionResult]::new('--no-headers', '--no-headers', [CompletionResultType]::ParameterName, 'Leave out the header line of table, wide and tsv output')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say on stderr what is being asked of whom')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say on stderr what is being asked of whom')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print no warnings')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print no warnings')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'sessions;config;delete' {
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file (default: $XDG_CONFIG_HOME/sessions/config.toml, else ~/.config/sessions/config.toml)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Named target(s) from the config file; a comma list asks several servers at once')
            [CompletionResult]::new('--parallel', '--parallel', [CompletionResultType]::ParameterName, 'With several targets: ask at most N at a time (each holds a connection while it is asked; N is lowered to fit the open-file limit)')
            [CompletionResult]::new('-u', '-u', [CompletionResultType]::ParameterName, 'Server to ask: http(s)://HOST:PORT for datarhei Core, ws(s)://HOST:PORT/ for TwinCAT HMI')
            [CompletionResult]::new('--url', '--url', [CompletionResultType]::ParameterName, 'Server to ask: http(s)://HOST:PORT for datarhei Core, ws(s)://HOST:PORT/ for TwinCAT HMI')
            [CompletionResult]::new('--source', '--source', [CompletionResultType]::ParameterName, 'Override the source guessed from the URL')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'User name to log in with; the password comes from SESSIONS_PASSWORD or --password-stdin')
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'A ready datarhei access token (sent as a bearer token)')
            [CompletionResult]::new('--ca-cert', '--ca-cert', [CompletionResultType]::ParameterName, 'Trust this PEM CA certificate (instead of the system''s roots), e.g. a server''s own root')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Bound on connecting, sending the request and receiving the reply, e.g. 500ms, 10s, 1m [default: 10s, or the context''s timeout]')
            [CompletionResult]::new('--max-body-size', '--max-body-size', [CompletionResultType]::ParameterName, 'Refuse a reply larger than this, e.g. 64MiB')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output-file', '--output-file', [CompletionResultType]::ParameterName, 'Write the output to this file atomically (temporary file, then rename); print nothing')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (NO_COLOR and CLICOLOR_FORCE are honoured with auto)')
            [CompletionResult]::new('--all-contexts', '--all-contexts', [CompletionResultType]::ParameterName, 'Ask every context of the config file at once')
            [CompletionResult]::new('--password-stdin', '--password-stdin', [CompletionResultType]::ParameterName, 'Read the password from the first line of standard input')
            [CompletionResult]::new('--insecure', '--insecure', [CompletionResultType]::ParameterName, 'Accept a TLS certificate that cannot be verified (prints a warning)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Short for --output json')
            [CompletionResult]::new('--no-headers', '--no-headers', [CompletionResultType]::ParameterName, 'Leave out the header line of table, wide and tsv output')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say on stderr what is being asked of whom')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say on stderr what is being asked of whom')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print no warnings')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print no warnings')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'sessions;config;rename' {
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file (default: $XDG_CONFIG_HOME/sessions/config.toml, else ~/.config/sessions/config.toml)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Named target(s) from the config file; a comma list asks several servers at once')
            [CompletionResult]::new('--parallel', '--parallel', [CompletionResultType]::ParameterName, 'With several targets: ask at most N at a time (each holds a connection while it is asked; N is lowered to fit the open-file limit)')
            [CompletionResult]::new('-u', '-u', [CompletionResultType]::ParameterName, 'Server to ask: http(s)://HOST:PORT for datarhei Core, ws(s)://HOST:PORT/ for TwinCAT HMI')
            [CompletionResult]::new('--url', '--url', [CompletionResultType]::ParameterName, 'Server to ask: http(s)://HOST:PORT for datarhei Core, ws(s)://HOST:PORT/ for TwinCAT HMI')
            [CompletionResult]::new('--source', '--source', [CompletionResultType]::ParameterName, 'Override the source guessed from the URL')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'User name to log in with; the password comes from SESSIONS_PASSWORD or --password-stdin')
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'A ready datarhei access token (sent as a bearer token)')
            [CompletionResult]::new('--ca-cert', '--ca-cert', [CompletionResultType]::ParameterName, 'Trust this PEM CA certificate (instead of the system''s roots), e.g. a server''s own root')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Bound on connecting, sending the request and receiving the reply, e.g. 500ms, 10s, 1m [default: 10s, or the context''s timeout]')
            [CompletionResult]::new('--max-body-size', '--max-body-size', [CompletionResultType]::ParameterName, 'Refuse a reply larger than this, e.g. 64MiB')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output-file', '--output-file', [CompletionResultType]::ParameterName, 'Write the output to this file atomically (temporary file, then rename); print nothing')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (NO_COLOR and CLICOLOR_FORCE are honoured with auto)')
            [CompletionResult]::new('--all-contexts', '--all-contexts', [CompletionResultType]::ParameterName, 'Ask every context of the config file at once')
            [CompletionResult]::new('--password-stdin', '--password-stdin', [CompletionResultType]::ParameterName, 'Read the password from the first line of standard input')
            [CompletionResult]::new('--insecure', '--insecure', [CompletionResultType]::ParameterName, 'Accept a TLS certificate that cannot be verified (prints a warning)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Short for --output json')
            [CompletionResult]::new('--no-headers', '--no-headers', [CompletionResultType]::ParameterName, 'Leave out the header line of table, wide and tsv output')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say on stderr what is being asked of whom')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say on stderr what is being asked of whom')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print no warnings')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print no warnings')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'sessions;config;unset' {
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file (default: $XDG_CONFIG_HOME/sessions/config.toml, else ~/.config/sessions/config.toml)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Named target(s) from the config file; a comma list asks several servers at once')
            [CompletionResult]::new('--parallel', '--parallel', [CompletionResultType]::ParameterName, 'With several targets: ask at most N at a time (each holds a connection while it is asked; N is lowered to fit the open-file limit)')
            [CompletionResult]::new('-u', '-u', [CompletionResultType]::ParameterName, 'Server to ask: http(s)://HOST:PORT for datarhei Core, ws(s)://HOST:PORT/ for TwinCAT HMI')
            [CompletionResult]::new('--url', '--url', [CompletionResultType]::ParameterName, 'Server to ask: http(s)://HOST:PORT for datarhei Core, ws(s)://HOST:PORT/ for TwinCAT HMI')
            [CompletionResult]::new('--source', '--source', [CompletionResultType]::ParameterName, 'Override the source guessed from the URL')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'User name to log in with; the password comes from SESSIONS_PASSWORD or --password-stdin')
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'A ready datarhei access token (sent as a bearer token)')
            [CompletionResult]::new('--ca-cert', '--ca-cert', [CompletionResultType]::ParameterName, 'Trust this PEM CA certificate (instead of the system''s roots), e.g. a server''s own root')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Bound on connecting, sending the request and receiving the reply, e.g. 500ms, 10s, 1m [default: 10s, or the context''s timeout]')
            [CompletionResult]::new('--max-body-size', '--max-body-size', [CompletionResultType]::ParameterName, 'Refuse a reply larger than this, e.g. 64MiB')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output-file', '--output-file', [CompletionResultType]::ParameterName, 'Write the output to this file atomically (temporary file, then rename); print nothing')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (NO_COLOR and CLICOLOR_FORCE are honoured with auto)')
            [CompletionResult]::new('--all-contexts', '--all-contexts', [CompletionResultType]::ParameterName, 'Ask every context of the config file at once')
            [CompletionResult]::new('--password-stdin', '--password-stdin', [CompletionResultType]::ParameterName, 'Read the password from the first line of standard input')
            [CompletionResult]::new('--insecure', '--insecure', [CompletionResultType]::ParameterName, 'Accept a TLS certificate that cannot be verified (prints a warning)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Short for --output json')
            [CompletionResult]::new('--no-headers', '--no-headers', [CompletionResultType]::ParameterName, 'Leave out the header line of table, wide and tsv output')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say on stderr what is being asked of whom')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say on stderr what is being asked of whom')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print no warnings')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print no warnings')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'sessions;config;help' {
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List the contexts (the current one is marked)')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Show one context''s settings (default: the current one); secrets are never shown')
            [CompletionResult]::new('set', 'set', [CompletionResultType]::ParameterValue, 'Create or update a context (the file is written atomically, mode 0600)')
            [CompletionResult]::new('use', 'use', [CompletionResultType]::ParameterValue, 'Make a context the current one (used when neither --url nor --context is given)')
            [CompletionResult]::new('current', 'current', [CompletionResultType]::ParameterValue, 'Print the name of the current context')
            [CompletionResult]::new('delete', 'delete', [CompletionResultType]::ParameterValue, 'Remove a context (and clear current-context if it was the current one)')
            [CompletionResult]::new('rename', 'rename', [CompletionResultType]::ParameterValue, 'Give a context a new name (current-context follows it)')
            [CompletionResult]::new('unset', 'unset', [CompletionResultType]::ParameterValue, 'Remove keys from a context, e.g. `config unset studio timeout insecure`')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'sessions;config;help;list' {
            break
        }
        'sessions;config;help;show' {
            break
        }
        'sessions;config;help;set' {
            break
        }
        'sessions;config;help;use' {
            break
        }
        'sessions;config;help;current' {
            break
        }
        'sessions;config;help;delete' {
            break
        }
        'sessions;config;help;rename' {
            break
        }
        'sessions;config;help;unset' {
            break
        }
        'sessions;config;help;help' {
            break
        }
        'sessions;collect' {
            [CompletionResult]::new('--port-map', '--port-map', [CompletionResultType]::ParameterName, 'Local collector: COLLECTOR=PORTS gives a collector exactly these ports instead of its defaults (rtmp=19350); COLLECTOR+=PORTS adds them and keeps the defaults (rtmp+=41936 keeps 1935 and 1936). Repeatable, applied in order after the context''s port_map; srt is UDP, the others TCP')
            [CompletionResult]::new('--proc-root', '--proc-root', [CompletionResultType]::ParameterName, 'Local collector: the proc filesystem to read processes and sockets from')
            [CompletionResult]::new('--interval', '--interval', [CompletionResultType]::ParameterName, 'How often to look at the sockets; also the window of the bit rates')
            [CompletionResult]::new('--listen', '--listen', [CompletionResultType]::ParameterName, 'Serve datarhei Core''s session API and /metrics on this address, e.g. 127.0.0.1:8787. Any address other than loopback requires --token (sent as Authorization: Bearer)')
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'The history store [default: $XDG_STATE_HOME/sessions/history.sqlite3 or ~/.local/state/sessions/history.sqlite3]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file (default: $XDG_CONFIG_HOME/sessions/config.toml, else ~/.config/sessions/config.toml)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Named target(s) from the config file; a comma list asks several servers at once')
            [CompletionResult]::new('--parallel', '--parallel', [CompletionResultType]::ParameterName, 'With several targets: ask at most N at a time (each holds a connection while it is asked; N is lowered to fit the open-file limit)')
            [CompletionResult]::new('-u', '-u', [CompletionResultType]::ParameterName, 'Server to ask: http(s)://HOST:PORT for datarhei Core, ws(s)://HOST:PORT/ for TwinCAT HMI')
            [CompletionResult]::new('--url', '--url', [CompletionResultType]::ParameterName, 'Server to ask: http(s)://HOST:PORT for datarhei Core, ws(s)://HOST:PORT/ for TwinCAT HMI')
            [CompletionResult]::new('--source', '--source', [CompletionResultType]::ParameterName, 'Override the source guessed from the URL')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'User name to log in with; the password comes from SESSIONS_PASSWORD or --password-stdin')
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'A ready datarhei access token (sent as a bearer token)')
            [CompletionResult]::new('--ca-cert', '--ca-cert', [CompletionResultType]::ParameterName, 'Trust this PEM CA certificate (instead of the system''s roots), e.g. a server''s own root')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Bound on connecting, sending the request and receiving the reply, e.g. 500ms, 10s, 1m [default: 10s, or the context''s timeout]')
            [CompletionResult]::new('--max-body-size', '--max-body-size', [CompletionResultType]::ParameterName, 'Refuse a reply larger than this, e.g. 64MiB')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output-file', '--output-file', [CompletionResultType]::ParameterName, 'Write the output to this file atomically (temporary file, then rename); print nothing')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (NO_COLOR and CLICOLOR_FORCE are honoured with auto)')
            [CompletionResult]::new('--all', '--all', [CompletionResultType]::ParameterName, 'Local collector: list every socket on a mapped port and every ffmpeg input and output, not only the sessions: this machine''s own web traffic (a package manager''s HTTPS), ffmpeg''s generated inputs (-f lavfi), files, pipes and -f null outputs')
            [CompletionResult]::new('--all-contexts', '--all-contexts', [CompletionResultType]::ParameterName, 'Ask every context of the config file at once')
            [CompletionResult]::new('--password-stdin', '--password-stdin', [CompletionResultType]::ParameterName, 'Read the password from the first line of standard input')
            [CompletionResult]::new('--insecure', '--insecure', [CompletionResultType]::ParameterName, 'Accept a TLS certificate that cannot be verified (prints a warning)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Short for --output json')
            [CompletionResult]::new('--no-headers', '--no-headers', [CompletionResultType]::ParameterName, 'Leave out the header line of table, wide and tsv output')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say on stderr what is being asked of whom')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say on stderr what is being asked of whom')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print no warnings')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print no warnings')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'sessions;kick' {
            [CompletionResult]::new('--collectors', '--collectors', [CompletionResultType]::ParameterName, 'Comma list of collectors (default: all): hls, hlsingress, http, https, rtmp, srt, ffmpeg')
            [CompletionResult]::new('--filter', '--filter', [CompletionResultType]::ParameterName, 'Disconnect the sessions matching FIELD=VALUE or FIELD!=VALUE (repeatable, as `active`)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file (default: $XDG_CONFIG_HOME/sessions/config.toml, else ~/.config/sessions/config.toml)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Named target(s) from the config file; a comma list asks several servers at once')
            [CompletionResult]::new('--parallel', '--parallel', [CompletionResultType]::ParameterName, 'With several targets: ask at most N at a time (each holds a connection while it is asked; N is lowered to fit the open-file limit)')
            [CompletionResult]::new('-u', '-u', [CompletionResultType]::ParameterName, 'Server to ask: http(s)://HOST:PORT for datarhei Core, ws(s)://HOST:PORT/ for TwinCAT HMI')
            [CompletionResult]::new('--url', '--url', [CompletionResultType]::ParameterName, 'Server to ask: http(s)://HOST:PORT for datarhei Core, ws(s)://HOST:PORT/ for TwinCAT HMI')
            [CompletionResult]::new('--source', '--source', [CompletionResultType]::ParameterName, 'Override the source guessed from the URL')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'User name to log in with; the password comes from SESSIONS_PASSWORD or --password-stdin')
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'A ready datarhei access token (sent as a bearer token)')
            [CompletionResult]::new('--ca-cert', '--ca-cert', [CompletionResultType]::ParameterName, 'Trust this PEM CA certificate (instead of the system''s roots), e.g. a server''s own root')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Bound on connecting, sending the request and receiving the reply, e.g. 500ms, 10s, 1m [default: 10s, or the context''s timeout]')
            [CompletionResult]::new('--max-body-size', '--max-body-size', [CompletionResultType]::ParameterName, 'Refuse a reply larger than this, e.g. 64MiB')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output-file', '--output-file', [CompletionResultType]::ParameterName, 'Write the output to this file atomically (temporary file, then rename); print nothing')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (NO_COLOR and CLICOLOR_FORCE are honoured with auto)')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Do not ask: disconnect at once (required when not on a terminal)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Do not ask: disconnect at once (required when not on a terminal)')
            [CompletionResult]::new('--all-contexts', '--all-contexts', [CompletionResultType]::ParameterName, 'Ask every context of the config file at once')
            [CompletionResult]::new('--password-stdin', '--password-stdin', [CompletionResultType]::ParameterName, 'Read the password from the first line of standard input')
            [CompletionResult]::new('--insecure', '--insecure', [CompletionResultType]::ParameterName, 'Accept a TLS certificate that cannot be verified (prints a warning)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Short for --output json')
            [CompletionResult]::new('--no-headers', '--no-headers', [CompletionResultType]::ParameterName, 'Leave out the header line of table, wide and tsv output')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say on stderr what is being asked of whom')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say on stderr what is being asked of whom')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print no warnings')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print no warnings')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'sessions;completions' {
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file (default: $XDG_CONFIG_HOME/sessions/config.toml, else ~/.config/sessions/config.toml)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Named target(s) from the config file; a comma list asks several servers at once')
            [CompletionResult]::new('--parallel', '--parallel', [CompletionResultType]::ParameterName, 'With several targets: ask at most N at a time (each holds a connection while it is asked; N is lowered to fit the open-file limit)')
            [CompletionResult]::new('-u', '-u', [CompletionResultType]::ParameterName, 'Server to ask: http(s)://HOST:PORT for datarhei Core, ws(s)://HOST:PORT/ for TwinCAT HMI')
            [CompletionResult]::new('--url', '--url', [CompletionResultType]::ParameterName, 'Server to ask: http(s)://HOST:PORT for datarhei Core, ws(s)://HOST:PORT/ for TwinCAT HMI')
            [CompletionResult]::new('--source', '--source', [CompletionResultType]::ParameterName, 'Override the source guessed from the URL')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'User name to log in with; the password comes from SESSIONS_PASSWORD or --password-stdin')
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'A ready datarhei access token (sent as a bearer token)')
            [CompletionResult]::new('--ca-cert', '--ca-cert', [CompletionResultType]::ParameterName, 'Trust this PEM CA certificate (instead of the system''s roots), e.g. a server''s own root')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Bound on connecting, sending the request and receiving the reply, e.g. 500ms, 10s, 1m [default: 10s, or the context''s timeout]')
            [CompletionResult]::new('--max-body-size', '--max-body-size', [CompletionResultType]::ParameterName, 'Refuse a reply larger than this, e.g. 64MiB')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output-file', '--output-file', [CompletionResultType]::ParameterName, 'Write the output to this file atomically (temporary file, then rename); print nothing')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (NO_COLOR and CLICOLOR_FORCE are honoured with auto)')
            [CompletionResult]::new('--all-contexts', '--all-contexts', [CompletionResultType]::ParameterName, 'Ask every context of the config file at once')
            [CompletionResult]::new('--password-stdin', '--password-stdin', [CompletionResultType]::ParameterName, 'Read the password from the first line of standard input')
            [CompletionResult]::new('--insecure', '--insecure', [CompletionResultType]::ParameterName, 'Accept a TLS certificate that cannot be verified (prints a warning)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Short for --output json')
            [CompletionResult]::new('--no-headers', '--no-headers', [CompletionResultType]::ParameterName, 'Leave out the header line of table, wide and tsv output')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say on stderr what is being asked of whom')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say on stderr what is being asked of whom')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print no warnings')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print no warnings')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'sessions;help' {
            [CompletionResult]::new('active', 'active', [CompletionResultType]::ParameterValue, 'One row per active session')
            [CompletionResult]::new('summary', 'summary', [CompletionResultType]::ParameterValue, 'Per collector: active sessions, bandwidth, configured limits, finished-session totals')
            [CompletionResult]::new('clients', 'clients', [CompletionResultType]::ParameterValue, 'TwinCAT HMI: one row per connected WebSocket (client, session id, user, registered commands)')
            [CompletionResult]::new('subscriptions', 'subscriptions', [CompletionResultType]::ParameterValue, 'TwinCAT HMI: one row per subscription (key, id, type, interval, clients, JSON length, average duration, symbols)')
            [CompletionResult]::new('watch', 'watch', [CompletionResultType]::ParameterValue, 'Live view of the active sessions: a redrawn table on a terminal, NDJSON events otherwise')
            [CompletionResult]::new('config', 'config', [CompletionResultType]::ParameterValue, 'Named contexts of the config file: list, show, set, use')
            [CompletionResult]::new('collect', 'collect', [CompletionResultType]::ParameterValue, 'Run the local collector continuously: record finished sessions, optionally serve them')
            [CompletionResult]::new('kick', 'kick', [CompletionResultType]::ParameterValue, 'Disconnect sessions where the server can (MediaMTX, SRS, nginx-rtmp, Icecast)')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print the shell completion script')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'sessions;help;active' {
            break
        }
        'sessions;help;summary' {
            break
        }
        'sessions;help;clients' {
            break
        }
        'sessions;help;subscriptions' {
            break
        }
        'sessions;help;watch' {
            break
        }
        'sessions;help;config' {
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List the contexts (the current one is marked)')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Show one context''s settings (default: the current one); secrets are never shown')
            [CompletionResult]::new('set', 'set', [CompletionResultType]::ParameterValue, 'Create or update a context (the file is written atomically, mode 0600)')
            [CompletionResult]::new('use', 'use', [CompletionResultType]::ParameterValue, 'Make a context the current one (used when neither --url nor --context is given)')
            [CompletionResult]::new('current', 'current', [CompletionResultType]::ParameterValue, 'Print the name of the current context')
            [CompletionResult]::new('delete', 'delete', [CompletionResultType]::ParameterValue, 'Remove a context (and clear current-context if it was the current one)')
            [CompletionResult]::new('rename', 'rename', [CompletionResultType]::ParameterValue, 'Give a context a new name (current-context follows it)')
            [CompletionResult]::new('unset', 'unset', [CompletionResultType]::ParameterValue, 'Remove keys from a context, e.g. `config unset studio timeout insecure`')
            break
        }
        'sessions;help;config;list' {
            break
        }
        'sessions;help;config;show' {
            break
        }
        'sessions;help;config;set' {
            break
        }
        'sessions;help;config;use' {
            break
        }
        'sessions;help;config;current' {
            break
        }
        'sessions;help;config;delete' {
            break
        }
        'sessions;help;config;rename' {
            break
        }
        'sessions;help;config;unset' {
            break
        }
        'sessions;help;collect' {
            break
        }
        'sessions;help;kick' {
            break
        }
        'sessions;help;completions' {
            break
        }
        'sessions;help;help' {
            break
        }
    })

    $completions.Where{ $_.CompletionText -like "$wordToComplete*" } |
        Sort-Object -Property ListItemText
}
