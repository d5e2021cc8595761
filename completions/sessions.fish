# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_sessions_global_optspecs
    string join \n config= context= all-contexts parallel= u/url= source= user= password-stdin token= insecure ca-cert= timeout= max-body-size= o/output= json output-file= no-headers color= v/verbose q/quiet h/help V/version
end

function __fish_sessions_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_sessions_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_sessions_using_subcommand
    set -l cmd (__fish_sessions_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c sessions -n "__fish_sessions_needs_command" -l config -d 'Config file (default: $XDG_CONFIG_HOME/sessions/config.toml, else ~/.config/sessions/config.toml)' -r -F
complete -c sessions -n "__fish_sessions_needs_command" -l context -d 'Named target(s) from the config file; a comma list asks several servers at once' -r
complete -c sessions -n "__fish_sessions_needs_command" -l parallel -d 'With several targets: ask at most N at a time (each holds a connection while it is asked; N is lowered to fit the open-file limit)' -r
complete -c sessions -n "__fish_sessions_needs_command" -s u -l url -d 'Server to ask: http(s)://HOST:PORT for datarhei Core, ws(s)://HOST:PORT/ for TwinCAT HMI' -r
complete -c sessions -n "__fish_sessions_needs_command" -l source -d 'Override the source guessed from the URL' -r -f -a "local\t''
datarhei\t''
tchmi\t''
mediamtx\t''
srs\t''
nginx-rtmp\t''
icecast\t''"
complete -c sessions -n "__fish_sessions_needs_command" -l user -d 'User name to log in with; the password comes from SESSIONS_PASSWORD or --password-stdin' -r
complete -c sessions -n "__fish_sessions_needs_command" -l token -d 'A ready datarhei access token (sent as a bearer token)' -r
complete -c sessions -n "__fish_sessions_needs_command" -l ca-cert -d 'Trust this PEM CA certificate (instead of the system\'s roots), e.g. a server\'s own root' -r -F
complete -c sessions -n "__fish_sessions_needs_command" -l timeout -d 'Bound on connecting, sending the request and receiving the reply, e.g. 500ms, 10s, 1m [default: 10s, or the context\'s timeout]' -r
complete -c sessions -n "__fish_sessions_needs_command" -l max-body-size -d 'Refuse a reply larger than this, e.g. 64MiB' -r
complete -c sessions -n "__fish_sessions_needs_command" -s o -l output -d 'Output format' -r -f -a "table\t''
wide\t''
json\t''
ndjson\t''
tsv\t''
prometheus\t'Prometheus text exposition format 0.0.4 (summary; active with --per-session)'"
complete -c sessions -n "__fish_sessions_needs_command" -l output-file -d 'Write the output to this file atomically (temporary file, then rename); print nothing' -r -F
complete -c sessions -n "__fish_sessions_needs_command" -l color -d 'When to use colour (NO_COLOR and CLICOLOR_FORCE are honoured with auto)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c sessions -n "__fish_sessions_needs_command" -l all-contexts -d 'Ask every context of the config file at once'
complete -c sessions -n "__fish_sessions_needs_command" -l password-stdin -d 'Read the password from the first line of standard input'
complete -c sessions -n "__fish_sessions_needs_command" -l insecure -d 'Accept a TLS certificate that cannot be verified (prints a warning)'
complete -c sessions -n "__fish_sessions_needs_command" -l json -d 'Short for --output json'
complete -c sessions -n "__fish_sessions_needs_command" -l no-headers -d 'Leave out the header line of table, wide and tsv output'
complete -c sessions -n "__fish_sessions_needs_command" -s v -l verbose -d 'Say on stderr what is being asked of whom'
complete -c sessions -n "__fish_sessions_needs_command" -s q -l quiet -d 'Print no warnings'
complete -c sessions -n "__fish_sessions_needs_command" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c sessions -n "__fish_sessions_needs_command" -s V -l version -d 'Print version'
complete -c sessions -n "__fish_sessions_needs_command" -f -a "active" -d 'One row per active session'
complete -c sessions -n "__fish_sessions_needs_command" -f -a "summary" -d 'Per collector: active sessions, bandwidth, configured limits, finished-session totals'
complete -c sessions -n "__fish_sessions_needs_command" -f -a "clients" -d 'TwinCAT HMI: one row per connected WebSocket (client, session id, user, registered commands)'
complete -c sessions -n "__fish_sessions_needs_command" -f -a "subscriptions" -d 'TwinCAT HMI: one row per subscription (key, id, type, interval, clients, JSON length, average duration, symbols)'
complete -c sessions -n "__fish_sessions_needs_command" -f -a "watch" -d 'Live view of the active sessions: a redrawn table on a terminal, NDJSON events otherwise'
complete -c sessions -n "__fish_sessions_needs_command" -f -a "config" -d 'Named contexts of the config file: list, show, set, use'
complete -c sessions -n "__fish_sessions_needs_command" -f -a "collect" -d 'Run the local collector continuously: record finished sessions, optionally serve them'
complete -c sessions -n "__fish_sessions_needs_command" -f -a "kick" -d 'Disconnect sessions where the server can (MediaMTX, SRS, nginx-rtmp, Icecast)'
complete -c sessions -n "__fish_sessions_needs_command" -f -a "completions" -d 'Print the shell completion script'
complete -c sessions -n "__fish_sessions_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c sessions -n "__fish_sessions_using_subcommand active" -l collectors -d 'Comma list of collectors (default: all): hls, hlsingress, http, https, rtmp, srt, ffmpeg' -r
complete -c sessions -n "__fish_sessions_using_subcommand active" -l sort-by -d 'Sort by this field (numbers largest first, text A to Z)' -r -f -a "collector\t''
id\t''
reference\t''
local\t''
remote\t''
age\t''
created_at\t''
rx_bytes\t''
tx_bytes\t''
rx_rate\t''
tx_rate\t''"
complete -c sessions -n "__fish_sessions_using_subcommand active" -l limit -d 'Show at most N sessions (after filtering and sorting)' -r
complete -c sessions -n "__fish_sessions_using_subcommand active" -l filter -d 'Keep sessions matching FIELD=VALUE or FIELD!=VALUE (repeatable; all must match). FIELD: collector, id, reference, local, remote, extra. VALUE: exact text, a glob with *, or for local/remote an IP address or CIDR (remote=10.0.0.0/8)' -r
complete -c sessions -n "__fish_sessions_using_subcommand active" -l interval -d 'Time between two polls of a watch, e.g. 500ms, 2s' -r
complete -c sessions -n "__fish_sessions_using_subcommand active" -l rounds -d 'Stop a watch after N polls (for tests and scripts)' -r
complete -c sessions -n "__fish_sessions_using_subcommand active" -l port-map -d 'Local collector: COLLECTOR=PORTS gives a collector exactly these ports instead of its defaults (rtmp=19350); COLLECTOR+=PORTS adds them and keeps the defaults (rtmp+=41936 keeps 1935 and 1936). Repeatable, applied in order after the context\'s port_map; srt is UDP, the others TCP' -r
complete -c sessions -n "__fish_sessions_using_subcommand active" -l proc-root -d 'Local collector: the proc filesystem to read processes and sockets from' -r -F
complete -c sessions -n "__fish_sessions_using_subcommand active" -l sample -d 'Local collector: how long to watch the sockets to measure bit rates, e.g. 200ms, 1s; 0s takes one look and reports no rates' -r
complete -c sessions -n "__fish_sessions_using_subcommand active" -l config -d 'Config file (default: $XDG_CONFIG_HOME/sessions/config.toml, else ~/.config/sessions/config.toml)' -r -F
complete -c sessions -n "__fish_sessions_using_subcommand active" -l context -d 'Named target(s) from the config file; a comma list asks several servers at once' -r
complete -c sessions -n "__fish_sessions_using_subcommand active" -l parallel -d 'With several targets: ask at most N at a time (each holds a connection while it is asked; N is lowered to fit the open-file limit)' -r
complete -c sessions -n "__fish_sessions_using_subcommand active" -s u -l url -d 'Server to ask: http(s)://HOST:PORT for datarhei Core, ws(s)://HOST:PORT/ for TwinCAT HMI' -r
complete -c sessions -n "__fish_sessions_using_subcommand active" -l source -d 'Override the source guessed from the URL' -r -f -a "local\t''
datarhei\t''
tchmi\t''
mediamtx\t''
srs\t''
nginx-rtmp\t''
icecast\t''"
complete -c sessions -n "__fish_sessions_using_subcommand active" -l user -d 'User name to log in with; the password comes from SESSIONS_PASSWORD or --password-stdin' -r
complete -c sessions -n "__fish_sessions_using_subcommand active" -l token -d 'A ready datarhei access token (sent as a bearer token)' -r
complete -c sessions -n "__fish_sessions_using_subcommand active" -l ca-cert -d 'Trust this PEM CA certificate (instead of the system\'s roots), e.g. a server\'s own root' -r -F
complete -c sessions -n "__fish_sessions_using_subcommand active" -l timeout -d 'Bound on connecting, sending the request and receiving the reply, e.g. 500ms, 10s, 1m [default: 10s, or the context\'s timeout]' -r
complete -c sessions -n "__fish_sessions_using_subcommand active" -l max-body-size -d 'Refuse a reply larger than this, e.g. 64MiB' -r
complete -c sessions -n "__fish_sessions_using_subcommand active" -s o -l output -d 'Output format' -r -f -a "table\t''
wide\t''
json\t''
ndjson\t''
tsv\t''
prometheus\t'Prometheus text exposition format 0.0.4 (summary; active with --per-session)'"
complete -c sessions -n "__fish_sessions_using_subcommand active" -l output-file -d 'Write the output to this file atomically (temporary file, then rename); print nothing' -r -F
complete -c sessions -n "__fish_sessions_using_subcommand active" -l color -d 'When to use colour (NO_COLOR and CLICOLOR_FORCE are honoured with auto)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c sessions -n "__fish_sessions_using_subcommand active" -l reverse -d 'Reverse the order'
complete -c sessions -n "__fish_sessions_using_subcommand active" -l watch -d 'Keep watching: a redrawn table on a terminal, NDJSON events otherwise (as `sessions watch`)'
complete -c sessions -n "__fish_sessions_using_subcommand active" -l per-session -d 'With -o prometheus: one series per session (labels collector, id, reference, local, remote); mind the cardinality'
complete -c sessions -n "__fish_sessions_using_subcommand active" -l all -d 'Local collector: list every socket on a mapped port and every ffmpeg input and output, not only the sessions: this machine\'s own web traffic (a package manager\'s HTTPS), ffmpeg\'s generated inputs (-f lavfi), files, pipes and -f null outputs'
complete -c sessions -n "__fish_sessions_using_subcommand active" -l all-contexts -d 'Ask every context of the config file at once'
complete -c sessions -n "__fish_sessions_using_subcommand active" -l password-stdin -d 'Read the password from the first line of standard input'
complete -c sessions -n "__fish_sessions_using_subcommand active" -l insecure -d 'Accept a TLS certificate that cannot be verified (prints a warning)'
complete -c sessions -n "__fish_sessions_using_subcommand active" -l json -d 'Short for --output json'
complete -c sessions -n "__fish_sessions_using_subcommand active" -l no-headers -d 'Leave out the header line of table, wide and tsv output'
complete -c sessions -n "__fish_sessions_using_subcommand active" -s v -l verbose -d 'Say on stderr what is being asked of whom'
complete -c sessions -n "__fish_sessions_using_subcommand active" -s q -l quiet -d 'Print no warnings'
complete -c sessions -n "__fish_sessions_using_subcommand active" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c sessions -n "__fish_sessions_using_subcommand active" -s V -l version -d 'Print version'
complete -c sessions -n "__fish_sessions_using_subcommand summary" -l collectors -d 'Comma list of collectors (default: all): hls, hlsingress, http, https, rtmp, srt, ffmpeg' -r
complete -c sessions -n "__fish_sessions_using_subcommand summary" -l by -d 'Break the finished-session totals down by remote, local or reference' -r -f -a "remote\t''
local\t''
reference\t''"
complete -c sessions -n "__fish_sessions_using_subcommand summary" -l top -d 'With --by: keep the N largest rows per collector (by traffic)' -r
complete -c sessions -n "__fish_sessions_using_subcommand summary" -l port-map -d 'Local collector: COLLECTOR=PORTS gives a collector exactly these ports instead of its defaults (rtmp=19350); COLLECTOR+=PORTS adds them and keeps the defaults (rtmp+=41936 keeps 1935 and 1936). Repeatable, applied in order after the context\'s port_map; srt is UDP, the others TCP' -r
complete -c sessions -n "__fish_sessions_using_subcommand summary" -l proc-root -d 'Local collector: the proc filesystem to read processes and sockets from' -r -F
complete -c sessions -n "__fish_sessions_using_subcommand summary" -l sample -d 'Local collector: how long to watch the sockets to measure bit rates (0s: no rates)' -r
complete -c sessions -n "__fish_sessions_using_subcommand summary" -l db -d 'Local collector: the history store `collect` writes (default as for `collect`)' -r -F
complete -c sessions -n "__fish_sessions_using_subcommand summary" -l day -d 'Local collector: count only the sessions that ended on this UTC day, e.g. 2026-11-24' -r
complete -c sessions -n "__fish_sessions_using_subcommand summary" -l config -d 'Config file (default: $XDG_CONFIG_HOME/sessions/config.toml, else ~/.config/sessions/config.toml)' -r -F
complete -c sessions -n "__fish_sessions_using_subcommand summary" -l context -d 'Named target(s) from the config file; a comma list asks several servers at once' -r
complete -c sessions -n "__fish_sessions_using_subcommand summary" -l parallel -d 'With several targets: ask at most N at a time (each holds a connection while it is asked; N is lowered to fit the open-file limit)' -r
complete -c sessions -n "__fish_sessions_using_subcommand summary" -s u -l url -d 'Server to ask: http(s)://HOST:PORT for datarhei Core, ws(s)://HOST:PORT/ for TwinCAT HMI' -r
complete -c sessions -n "__fish_sessions_using_subcommand summary" -l source -d 'Override the source guessed from the URL' -r -f -a "local\t''
datarhei\t''
tchmi\t''
mediamtx\t''
srs\t''
nginx-rtmp\t''
icecast\t''"
complete -c sessions -n "__fish_sessions_using_subcommand summary" -l user -d 'User name to log in with; the password comes from SESSIONS_PASSWORD or --password-stdin' -r
complete -c sessions -n "__fish_sessions_using_subcommand summary" -l token -d 'A ready datarhei access token (sent as a bearer token)' -r
complete -c sessions -n "__fish_sessions_using_subcommand summary" -l ca-cert -d 'Trust this PEM CA certificate (instead of the system\'s roots), e.g. a server\'s own root' -r -F
complete -c sessions -n "__fish_sessions_using_subcommand summary" -l timeout -d 'Bound on connecting, sending the request and receiving the reply, e.g. 500ms, 10s, 1m [default: 10s, or the context\'s timeout]' -r
complete -c sessions -n "__fish_sessions_using_subcommand summary" -l max-body-size -d 'Refuse a reply larger than this, e.g. 64MiB' -r
complete -c sessions -n "__fish_sessions_using_subcommand summary" -s o -l output -d 'Output format' -r -f -a "table\t''
wide\t''
json\t''
ndjson\t''
tsv\t''
prometheus\t'Prometheus text exposition format 0.0.4 (summary; active with --per-session)'"
complete -c sessions -n "__fish_sessions_using_subcommand summary" -l output-file -d 'Write the output to this file atomically (temporary file, then rename); print nothing' -r -F
complete -c sessions -n "__fish_sessions_using_subcommand summary" -l color -d 'When to use colour (NO_COLOR and CLICOLOR_FORCE are honoured with auto)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c sessions -n "__fish_sessions_using_subcommand summary" -l all -d 'Local collector: list every socket on a mapped port and every ffmpeg input and output, not only the sessions: this machine\'s own web traffic (a package manager\'s HTTPS), ffmpeg\'s generated inputs (-f lavfi), files, pipes and -f null outputs'
complete -c sessions -n "__fish_sessions_using_subcommand summary" -l all-contexts -d 'Ask every context of the config file at once'
complete -c sessions -n "__fish_sessions_using_subcommand summary" -l password-stdin -d 'Read the password from the first line of standard input'
complete -c sessions -n "__fish_sessions_using_subcommand summary" -l insecure -d 'Accept a TLS certificate that cannot be verified (prints a warning)'
complete -c sessions -n "__fish_sessions_using_subcommand summary" -l json -d 'Short for --output json'
complete -c sessions -n "__fish_sessions_using_subcommand summary" -l no-headers -d 'Leave out the header line of table, wide and tsv output'
complete -c sessions -n "__fish_sessions_using_subcommand summary" -s v -l verbose -d 'Say on stderr what is being asked of whom'
complete -c sessions -n "__fish_sessions_using_subcommand summary" -s q -l quiet -d 'Print no warnings'
complete -c sessions -n "__fish_sessions_using_subcommand summary" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c sessions -n "__fish_sessions_using_subcommand summary" -s V -l version -d 'Print version'
complete -c sessions -n "__fish_sessions_using_subcommand clients" -l config -d 'Config file (default: $XDG_CONFIG_HOME/sessions/config.toml, else ~/.config/sessions/config.toml)' -r -F
complete -c sessions -n "__fish_sessions_using_subcommand clients" -l context -d 'Named target(s) from the config file; a comma list asks several servers at once' -r
complete -c sessions -n "__fish_sessions_using_subcommand clients" -l parallel -d 'With several targets: ask at most N at a time (each holds a connection while it is asked; N is lowered to fit the open-file limit)' -r
complete -c sessions -n "__fish_sessions_using_subcommand clients" -s u -l url -d 'Server to ask: http(s)://HOST:PORT for datarhei Core, ws(s)://HOST:PORT/ for TwinCAT HMI' -r
complete -c sessions -n "__fish_sessions_using_subcommand clients" -l source -d 'Override the source guessed from the URL' -r -f -a "local\t''
datarhei\t''
tchmi\t''
mediamtx\t''
srs\t''
nginx-rtmp\t''
icecast\t''"
complete -c sessions -n "__fish_sessions_using_subcommand clients" -l user -d 'User name to log in with; the password comes from SESSIONS_PASSWORD or --password-stdin' -r
complete -c sessions -n "__fish_sessions_using_subcommand clients" -l token -d 'A ready datarhei access token (sent as a bearer token)' -r
complete -c sessions -n "__fish_sessions_using_subcommand clients" -l ca-cert -d 'Trust this PEM CA certificate (instead of the system\'s roots), e.g. a server\'s own root' -r -F
complete -c sessions -n "__fish_sessions_using_subcommand clients" -l timeout -d 'Bound on connecting, sending the request and receiving the reply, e.g. 500ms, 10s, 1m [default: 10s, or the context\'s timeout]' -r
complete -c sessions -n "__fish_sessions_using_subcommand clients" -l max-body-size -d 'Refuse a reply larger than this, e.g. 64MiB' -r
complete -c sessions -n "__fish_sessions_using_subcommand clients" -s o -l output -d 'Output format' -r -f -a "table\t''
wide\t''
json\t''
ndjson\t''
tsv\t''
prometheus\t'Prometheus text exposition format 0.0.4 (summary; active with --per-session)'"
complete -c sessions -n "__fish_sessions_using_subcommand clients" -l output-file -d 'Write the output to this file atomically (temporary file, then rename); print nothing' -r -F
complete -c sessions -n "__fish_sessions_using_subcommand clients" -l color -d 'When to use colour (NO_COLOR and CLICOLOR_FORCE are honoured with auto)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c sessions -n "__fish_sessions_using_subcommand clients" -l all-contexts -d 'Ask every context of the config file at once'
complete -c sessions -n "__fish_sessions_using_subcommand clients" -l password-stdin -d 'Read the password from the first line of standard input'
complete -c sessions -n "__fish_sessions_using_subcommand clients" -l insecure -d 'Accept a TLS certificate that cannot be verified (prints a warning)'
complete -c sessions -n "__fish_sessions_using_subcommand clients" -l json -d 'Short for --output json'
complete -c sessions -n "__fish_sessions_using_subcommand clients" -l no-headers -d 'Leave out the header line of table, wide and tsv output'
complete -c sessions -n "__fish_sessions_using_subcommand clients" -s v -l verbose -d 'Say on stderr what is being asked of whom'
complete -c sessions -n "__fish_sessions_using_subcommand clients" -s q -l quiet -d 'Print no warnings'
complete -c sessions -n "__fish_sessions_using_subcommand clients" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c sessions -n "__fish_sessions_using_subcommand clients" -s V -l version -d 'Print version'
complete -c sessions -n "__fish_sessions_using_subcommand subscriptions" -l config -d 'Config file (default: $XDG_CONFIG_HOME/sessions/config.toml, else ~/.config/sessions/config.toml)' -r -F
complete -c sessions -n "__fish_sessions_using_subcommand subscriptions" -l context -d 'Named target(s) from the config file; a comma list asks several servers at once' -r
complete -c sessions -n "__fish_sessions_using_subcommand subscriptions" -l parallel -d 'With several targets: ask at most N at a time (each holds a connection while it is asked; N is lowered to fit the open-file limit)' -r
complete -c sessions -n "__fish_sessions_using_subcommand subscriptions" -s u -l url -d 'Server to ask: http(s)://HOST:PORT for datarhei Core, ws(s)://HOST:PORT/ for TwinCAT HMI' -r
complete -c sessions -n "__fish_sessions_using_subcommand subscriptions" -l source -d 'Override the source guessed from the URL' -r -f -a "local\t''
datarhei\t''
tchmi\t''
mediamtx\t''
srs\t''
nginx-rtmp\t''
icecast\t''"
complete -c sessions -n "__fish_sessions_using_subcommand subscriptions" -l user -d 'User name to log in with; the password comes from SESSIONS_PASSWORD or --password-stdin' -r
complete -c sessions -n "__fish_sessions_using_subcommand subscriptions" -l token -d 'A ready datarhei access token (sent as a bearer token)' -r
complete -c sessions -n "__fish_sessions_using_subcommand subscriptions" -l ca-cert -d 'Trust this PEM CA certificate (instead of the system\'s roots), e.g. a server\'s own root' -r -F
complete -c sessions -n "__fish_sessions_using_subcommand subscriptions" -l timeout -d 'Bound on connecting, sending the request and receiving the reply, e.g. 500ms, 10s, 1m [default: 10s, or the context\'s timeout]' -r
complete -c sessions -n "__fish_sessions_using_subcommand subscriptions" -l max-body-size -d 'Refuse a reply larger than this, e.g. 64MiB' -r
complete -c sessions -n "__fish_sessions_using_subcommand subscriptions" -s o -l output -d 'Output format' -r -f -a "table\t''
wide\t''
json\t''
ndjson\t''
tsv\t''
prometheus\t'Prometheus text exposition format 0.0.4 (summary; active with --per-session)'"
complete -c sessions -n "__fish_sessions_using_subcommand subscriptions" -l output-file -d 'Write the output to this file atomically (temporary file, then rename); print nothing' -r -F
complete -c sessions -n "__fish_sessions_using_subcommand subscriptions" -l color -d 'When to use colour (NO_COLOR and CLICOLOR_FORCE are honoured with auto)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c sessions -n "__fish_sessions_using_subcommand subscriptions" -l lengths -d 'Ask the server for each subscription\'s value size as JSON (readValueJsonLength)'
complete -c sessions -n "__fish_sessions_using_subcommand subscriptions" -l durations -d 'Ask the server for each subscription\'s average processing time (averageDuration)'
complete -c sessions -n "__fish_sessions_using_subcommand subscriptions" -l all-contexts -d 'Ask every context of the config file at once'
complete -c sessions -n "__fish_sessions_using_subcommand subscriptions" -l password-stdin -d 'Read the password from the first line of standard input'
complete -c sessions -n "__fish_sessions_using_subcommand subscriptions" -l insecure -d 'Accept a TLS certificate that cannot be verified (prints a warning)'
complete -c sessions -n "__fish_sessions_using_subcommand subscriptions" -l json -d 'Short for --output json'
complete -c sessions -n "__fish_sessions_using_subcommand subscriptions" -l no-headers -d 'Leave out the header line of table, wide and tsv output'
complete -c sessions -n "__fish_sessions_using_subcommand subscriptions" -s v -l verbose -d 'Say on stderr what is being asked of whom'
complete -c sessions -n "__fish_sessions_using_subcommand subscriptions" -s q -l quiet -d 'Print no warnings'
complete -c sessions -n "__fish_sessions_using_subcommand subscriptions" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c sessions -n "__fish_sessions_using_subcommand subscriptions" -s V -l version -d 'Print version'
complete -c sessions -n "__fish_sessions_using_subcommand watch" -l collectors -d 'Comma list of collectors (default: all): hls, hlsingress, http, https, rtmp, srt, ffmpeg' -r
complete -c sessions -n "__fish_sessions_using_subcommand watch" -l sort-by -d 'Sort by this field (numbers largest first, text A to Z)' -r -f -a "collector\t''
id\t''
reference\t''
local\t''
remote\t''
age\t''
created_at\t''
rx_bytes\t''
tx_bytes\t''
rx_rate\t''
tx_rate\t''"
complete -c sessions -n "__fish_sessions_using_subcommand watch" -l limit -d 'Show at most N sessions (after filtering and sorting)' -r
complete -c sessions -n "__fish_sessions_using_subcommand watch" -l filter -d 'Keep sessions matching FIELD=VALUE or FIELD!=VALUE (repeatable; all must match). FIELD: collector, id, reference, local, remote, extra. VALUE: exact text, a glob with *, or for local/remote an IP address or CIDR (remote=10.0.0.0/8)' -r
complete -c sessions -n "__fish_sessions_using_subcommand watch" -l interval -d 'Time between two polls of a watch, e.g. 500ms, 2s' -r
complete -c sessions -n "__fish_sessions_using_subcommand watch" -l rounds -d 'Stop a watch after N polls (for tests and scripts)' -r
complete -c sessions -n "__fish_sessions_using_subcommand watch" -l port-map -d 'Local collector: COLLECTOR=PORTS gives a collector exactly these ports instead of its defaults (rtmp=19350); COLLECTOR+=PORTS adds them and keeps the defaults (rtmp+=41936 keeps 1935 and 1936). Repeatable, applied in order after the context\'s port_map; srt is UDP, the others TCP' -r
complete -c sessions -n "__fish_sessions_using_subcommand watch" -l proc-root -d 'Local collector: the proc filesystem to read processes and sockets from' -r -F
complete -c sessions -n "__fish_sessions_using_subcommand watch" -l sample -d 'Local collector: how long to watch the sockets to measure bit rates, e.g. 200ms, 1s; 0s takes one look and reports no rates' -r
complete -c sessions -n "__fish_sessions_using_subcommand watch" -l config -d 'Config file (default: $XDG_CONFIG_HOME/sessions/config.toml, else ~/.config/sessions/config.toml)' -r -F
complete -c sessions -n "__fish_sessions_using_subcommand watch" -l context -d 'Named target(s) from the config file; a comma list asks several servers at once' -r
complete -c sessions -n "__fish_sessions_using_subcommand watch" -l parallel -d 'With several targets: ask at most N at a time (each holds a connection while it is asked; N is lowered to fit the open-file limit)' -r
complete -c sessions -n "__fish_sessions_using_subcommand watch" -s u -l url -d 'Server to ask: http(s)://HOST:PORT for datarhei Core, ws(s)://HOST:PORT/ for TwinCAT HMI' -r
complete -c sessions -n "__fish_sessions_using_subcommand watch" -l source -d 'Override the source guessed from the URL' -r -f -a "local\t''
datarhei\t''
tchmi\t''
mediamtx\t''
srs\t''
nginx-rtmp\t''
icecast\t''"
complete -c sessions -n "__fish_sessions_using_subcommand watch" -l user -d 'User name to log in with; the password comes from SESSIONS_PASSWORD or --password-stdin' -r
complete -c sessions -n "__fish_sessions_using_subcommand watch" -l token -d 'A ready datarhei access token (sent as a bearer token)' -r
complete -c sessions -n "__fish_sessions_using_subcommand watch" -l ca-cert -d 'Trust this PEM CA certificate (instead of the system\'s roots), e.g. a server\'s own root' -r -F
complete -c sessions -n "__fish_sessions_using_subcommand watch" -l timeout -d 'Bound on connecting, sending the request and receiving the reply, e.g. 500ms, 10s, 1m [default: 10s, or the context\'s timeout]' -r
complete -c sessions -n "__fish_sessions_using_subcommand watch" -l max-body-size -d 'Refuse a reply larger than this, e.g. 64MiB' -r
complete -c sessions -n "__fish_sessions_using_subcommand watch" -s o -l output -d 'Output format' -r -f -a "table\t''
wide\t''
json\t''
ndjson\t''
tsv\t''
prometheus\t'Prometheus text exposition format 0.0.4 (summary; active with --per-session)'"
complete -c sessions -n "__fish_sessions_using_subcommand watch" -l output-file -d 'Write the output to this file atomically (temporary file, then rename); print nothing' -r -F
complete -c sessions -n "__fish_sessions_using_subcommand watch" -l color -d 'When to use colour (NO_COLOR and CLICOLOR_FORCE are honoured with auto)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c sessions -n "__fish_sessions_using_subcommand watch" -l reverse -d 'Reverse the order'
complete -c sessions -n "__fish_sessions_using_subcommand watch" -l watch -d 'Keep watching: a redrawn table on a terminal, NDJSON events otherwise (as `sessions watch`)'
complete -c sessions -n "__fish_sessions_using_subcommand watch" -l per-session -d 'With -o prometheus: one series per session (labels collector, id, reference, local, remote); mind the cardinality'
complete -c sessions -n "__fish_sessions_using_subcommand watch" -l all -d 'Local collector: list every socket on a mapped port and every ffmpeg input and output, not only the sessions: this machine\'s own web traffic (a package manager\'s HTTPS), ffmpeg\'s generated inputs (-f lavfi), files, pipes and -f null outputs'
complete -c sessions -n "__fish_sessions_using_subcommand watch" -l all-contexts -d 'Ask every context of the config file at once'
complete -c sessions -n "__fish_sessions_using_subcommand watch" -l password-stdin -d 'Read the password from the first line of standard input'
complete -c sessions -n "__fish_sessions_using_subcommand watch" -l insecure -d 'Accept a TLS certificate that cannot be verified (prints a warning)'
complete -c sessions -n "__fish_sessions_using_subcommand watch" -l json -d 'Short for --output json'
complete -c sessions -n "__fish_sessions_using_subcommand watch" -l no-headers -d 'Leave out the header line of table, wide and tsv output'
complete -c sessions -n "__fish_sessions_using_subcommand watch" -s v -l verbose -d 'Say on stderr what is being asked of whom'
complete -c sessions -n "__fish_sessions_using_subcommand watch" -s q -l quiet -d 'Print no warnings'
complete -c sessions -n "__fish_sessions_using_subcommand watch" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c sessions -n "__fish_sessions_using_subcommand watch" -s V -l version -d 'Print version'
complete -c sessions -n "__fish_sessions_using_subcommand config; and not __fish_seen_subcommand_from list show set use current delete rename unset help" -l config -d 'Config file (default: $XDG_CONFIG_HOME/sessions/config.toml, else ~/.config/sessions/config.toml)' -r -F
complete -c sessions -n "__fish_sessions_using_subcommand config; and not __fish_seen_subcommand_from list show set use current delete rename unset help" -l context -d 'Named target(s) from the config file; a comma list asks several servers at once' -r
complete -c sessions -n "__fish_sessions_using_subcommand config; and not __fish_seen_subcommand_from list show set use current delete rename unset help" -l parallel -d 'With several targets: ask at most N at a time (each holds a connection while it is asked; N is lowered to fit the open-file limit)' -r
complete -c sessions -n "__fish_sessions_using_subcommand config; and not __fish_seen_subcommand_from list show set use current delete rename unset help" -s u -l url -d 'Server to ask: http(s)://HOST:PORT for datarhei Core, ws(s)://HOST:PORT/ for TwinCAT HMI' -r
complete -c sessions -n "__fish_sessions_using_subcommand config; and not __fish_seen_subcommand_from list show set use current delete rename unset help" -l source -d 'Override the source guessed from the URL' -r -f -a "local\t''
datarhei\t''
tchmi\t''
mediamtx\t''
srs\t''
nginx-rtmp\t''
icecast\t''"
complete -c sessions -n "__fish_sessions_using_subcommand config; and not __fish_seen_subcommand_from list show set use current delete rename unset help" -l user -d 'User name to log in with; the password comes from SESSIONS_PASSWORD or --password-stdin' -r
complete -c sessions -n "__fish_sessions_using_subcommand config; and not __fish_seen_subcommand_from list show set use current delete rename unset help" -l token -d 'A ready datarhei access token (sent as a bearer token)' -r
complete -c sessions -n "__fish_sessions_using_subcommand config; and not __fish_seen_subcommand_from list show set use current delete rename unset help" -l ca-cert -d 'Trust this PEM CA certificate (instead of the system\'s roots), e.g. a server\'s own root' -r -F
complete -c sessions -n "__fish_sessions_using_subcommand config; and not __fish_seen_subcommand_from list show set use current delete rename unset help" -l timeout -d 'Bound on connecting, sending the request and receiving the reply, e.g. 500ms, 10s, 1m [default: 10s, or the context\'s timeout]' -r
complete -c sessions -n "__fish_sessions_using_subcommand config; and not __fish_seen_subcommand_from list show set use current delete rename unset help" -l max-body-size -d 'Refuse a reply larger than this, e.g. 64MiB' -r
complete -c sessions -n "__fish_sessions_using_subcommand config; and not __fish_seen_subcommand_from list show set use current delete rename unset help" -s o -l output -d 'Output format' -r -f -a "table\t''
wide\t''
json\t''
ndjson\t''
tsv\t''
prometheus\t'Prometheus text exposition format 0.0.4 (summary; active with --per-session)'"
complete -c sessions -n "__fish_sessions_using_subcommand config; and not __fish_seen_subcommand_from list show set use current delete rename unset help" -l output-file -d 'Write the output to this file atomically (temporary file, then rename); print nothing' -r -F
complete -c sessions -n "__fish_sessions_using_subcommand config; and not __fish_seen_subcommand_from list show set use current delete rename unset help" -l color -d 'When to use colour (NO_COLOR and CLICOLOR_FORCE are honoured with auto)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c sessions -n "__fish_sessions_using_subcommand config; and not __fish_seen_subcommand_from list show set use current delete rename unset help" -l all-contexts -d 'Ask every context of the config file at once'
complete -c sessions -n "__fish_sessions_using_subcommand config; and not __fish_seen_subcommand_from list show set use current delete rename unset help" -l password-stdin -d 'Read the password from the first line of standard input'
complete -c sessions -n "__fish_sessions_using_subcommand config; and not __fish_seen_subcommand_from list show set use current delete rename unset help" -l insecure -d 'Accept a TLS certificate that cannot be verified (prints a warning)'
complete -c sessions -n "__fish_sessions_using_subcommand config; and not __fish_seen_subcommand_from list show set use current delete rename unset help" -l json -d 'Short for --output json'
complete -c sessions -n "__fish_sessions_using_subcommand config; and not __fish_seen_subcommand_from list show set use current delete rename unset help" -l no-headers -d 'Leave out the header line of table, wide and tsv output'
complete -c sessions -n "__fish_sessions_using_subcommand config; and not __fish_seen_subcommand_from list show set use current delete rename unset help" -s v -l verbose -d 'Say on stderr what is being asked of whom'
complete -c sessions -n "__fish_sessions_using_subcommand config; and not __fish_seen_subcommand_from list show set use current delete rename unset help" -s q -l quiet -d 'Print no warnings'
complete -c sessions -n "__fish_sessions_using_subcommand config; and not __fish_seen_subcommand_from list show set use current delete rename unset help" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c sessions -n "__fish_sessions_using_subcommand config; and not __fish_seen_subcommand_from list show set use current delete rename unset help" -s V -l version -d 'Print version'
complete -c sessions -n "__fish_sessions_using_subcommand config; and not __fish_seen_subcommand_from list show set use current delete rename unset help" -f -a "list" -d 'List the contexts (the current one is marked)'
complete -c sessions -n "__fish_sessions_using_subcommand config; and not __fish_seen_subcommand_from list show set use current delete rename unset help" -f -a "show" -d 'Show one context\'s settings (default: the current one); secrets are never shown'
complete -c sessions -n "__fish_sessions_using_subcommand config; and not __fish_seen_subcommand_from list show set use current delete rename unset help" -f -a "set" -d 'Create or update a context (the file is written atomically, mode 0600)'
complete -c sessions -n "__fish_sessions_using_subcommand config; and not __fish_seen_subcommand_from list show set use current delete rename unset help" -f -a "use" -d 'Make a context the current one (used when neither --url nor --context is given)'
complete -c sessions -n "__fish_sessions_using_subcommand config; and not __fish_seen_subcommand_from list show set use current delete rename unset help" -f -a "current" -d 'Print the name of the current context'
complete -c sessions -n "__fish_sessions_using_subcommand config; and not __fish_seen_subcommand_from list show set use current delete rename unset help" -f -a "delete" -d 'Remove a context (and clear current-context if it was the current one)'
complete -c sessions -n "__fish_sessions_using_subcommand config; and not __fish_seen_subcommand_from list show set use current delete rename unset help" -f -a "rename" -d 'Give a context a new name (current-context follows it)'
complete -c sessions -n "__fish_sessions_using_subcommand config; and not __fish_seen_subcommand_from list show set use current delete rename unset help" -f -a "unset" -d 'Remove keys from a context, e.g. `config unset studio timeout insecure`'
complete -c sessions -n "__fish_sessions_using_subcommand config; and not __fish_seen_subcommand_from list show set use current delete rename unset help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c sessions -n "__fish_sessions_using_subcommand config; and __fish_seen_subcommand_from list" -l config -d 'Config file (default: $XDG_CONFIG_HOME/sessions/config.toml, else ~/.config/sessions/config.toml)' -r -F
complete -c sessions -n "__fish_sessions_using_subcommand config; and __fish_seen_subcommand_from list" -l context -d 'Named target(s) from the config file; a comma list asks several servers at once' -r
complete -c sessions -n "__fish_sessions_using_subcommand config; and __fish_seen_subcommand_from list" -l parallel -d 'With several targets: ask at most N at a time (each holds a connection while it is asked; N is lowered to fit the open-file limit)' -r
complete -c sessions -n "__fish_sessions_using_subcommand config; and __fish_seen_subcommand_from list" -s u -l url -d 'Server to ask: http(s)://HOST:PORT for datarhei Core, ws(s)://HOST:PORT/ for TwinCAT HMI' -r
complete -c sessions -n "__fish_sessions_using_subcommand config; and __fish_seen_subcommand_from list" -l source -d 'Override the source guessed from the URL' -r -f -a "local\t''
datarhei\t''
tchmi\t''
mediamtx\t''
srs\t''
nginx-rtmp\t''
icecast\t''"
complete -c sessions -n "__fish_sessions_using_subcommand config; and __fish_seen_subcommand_from list" -l user -d 'User name to log in with; the password comes from SESSIONS_PASSWORD or --password-stdin' -r
complete -c sessions -n "__fish_sessions_using_subcommand config; and __fish_seen_subcommand_from list" -l token -d 'A ready datarhei access token (sent as a bearer token)' -r
complete -c sessions -n "__fish_sessions_using_subcommand config; and __fish_seen_subcommand_from list" -l ca-cert -d 'Trust this PEM CA certificate (instead of the system\'s roots), e.g. a server\'s own root' -r -F
complete -c sessions -n "__fish_sessions_using_subcommand config; and __fish_seen_subcommand_from list" -l timeout -d 'Bound on connecting, sending the request and receiving the reply, e.g. 500ms, 10s, 1m [default: 10s, or the context\'s timeout]' -r
complete -c sessions -n "__fish_sessions_using_subcommand config; and __fish_seen_subcommand_from list" -l max-body-size -d 'Refuse a reply larger than this, e.g. 64MiB' -r
complete -c sessions -n "__fish_sessions_using_subcommand config; and __fish_seen_subcommand_from list" -s o -l output -d 'Output format' -r -f -a "table\t''
wide\t''
json\t''
ndjson\t''
tsv\t''
prometheus\t'Prometheus text exposition format 0.0.4 (summary; active with --per-session)'"
complete -c sessions -n "__fish_sessions_using_subcommand config; and __fish_seen_subcommand_from list" -l output-file -d 'Write the output to this file atomically (temporary file, then rename); print nothing' -r -F
complete -c sessions -n "__fish_sessions_using_subcommand config; and __fish_seen_subcommand_from list" -l color -d 'When to use colour (NO_COLOR and CLICOLOR_FORCE are honoured with auto)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c sessions -n "__fish_sessions_using_subcommand config; and __fish_seen_subcommand_from list" -l all-contexts -d 'Ask every context of the config file at once'
complete -c sessions -n "__fish_sessions_using_subcommand config; and __fish_seen_subcommand_from list" -l password-stdin -d 'Read the password from the first line of standard input'
complete -c sessions -n "__fish_sessions_using_subcommand config; and __fish_seen_subcommand_from list" -l insecure -d 'Accept a TLS certificate that cannot be verified (prints a warning)'
complete -c sessions -n "__fish_sessions_using_subcommand config; and __fish_seen_subcommand_from list" -l json -d 'Short for --output json'
complete -c sessions -n "__fish_sessions_using_subcommand config; and __fish_seen_subcommand_from list" -l no-headers -d 'Leave out the header line of table, wide and tsv output'
complete -c sessions -n "__fish_sessions_using_subcommand config; and __fish_seen_subcommand_from list" -s v -l verbose -d 'Say on stderr what is being asked of whom'
complete -c sessions -n "__fish_sessions_using_subcommand config; and __fish_seen_subcommand_from list" -s q -l quiet -d 'Print no warnings'
complete -c sessions -n "__fish_sessions_using_subcommand config; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c sessions -n "__fish_sessions_using_subcommand config; and __fish_seen_subcommand_from list" -s V -l version -d 'Print version'
complete -c sessions -n "__fish_sessions_using_subcommand config; and __fish_seen_subcommand_from show" -l config -d 'Config file (default: $XDG_CONFIG_HOME/sessions/config.toml, else ~/.config/sessions/config.toml)' -r -F
complete -c sessions -n "__fish_sessions_using_subcommand config; and __fish_seen_subcommand_from show" -l context -d 'Named target(s) from the config file; a comma list asks several servers at once' -r
complete -c sessions -n "__fish_sessions_using_subcommand config; and __fish_seen_subcommand_from show" -l parallel -d 'With several targets: ask at most N at a time (each holds a connection while it is asked; N is lowered to fit the open-file limit)' -r
complete -c sessions -n "__fish_sessions_using_subcommand config; and __fish_seen_subcommand_from show" -s u -l url -d 'Server to ask: http(s)://HOST:PORT for datarhei Core, ws(s)://HOST:PORT/ for TwinCAT HMI' -r
complete -c sessions -n "__fish_sessions_using_subcommand config; and __fish_seen_subcommand_from show" -l source -d 'Override the source guessed from the URL' -r -f -a "local\t''
datarhei\t''
tchmi\t''
mediamtx\t''
srs\t''
nginx-rtmp\t''
icecast\t''"
complete -c sessions -n "__fish_sessions_using_subcommand config; and __fish_seen_subcommand_from show" -l user -d 'User name to log in with; the password comes from SESSIONS_PASSWORD or --password-stdin' -r
complete -c sessions -n "__fish_sessions_using_subcommand config; and __fish_seen_subcommand_from show" -l token -d 'A ready datarhei access token (sent as a bearer token)' -r
complete -c sessions -n "__fish_sessions_using_subcommand config; and __fish_seen_subcommand_from show" -l ca-cert -d 'Trust this PEM CA certificate (instead of the system\'s roots), e.g. a server\'s own root' -r -F
complete -c sessions -n "__fish_sessions_using_subcommand config; and __fish_seen_subcommand_from show" -l timeout -d 'Bound on connecting, sending the request and receiving the reply, e.g. 500ms, 10s, 1m [default: 10s, or the context\'s timeout]' -r
complete -c sessions -n "__fish_sessions_using_subcommand config; and __fish_seen_subcommand_from show" -l max-body-size -d 'Refuse a reply larger than this, e.g. 64MiB' -r
complete -c sessions -n "__fish_sessions_using_subcommand config; and __fish_seen_subcommand_from show" -s o -l output -d 'Output format' -r -f -a "table\t''
wide\t''
json\t''
ndjson\t''
tsv\t''
prometheus\t'Prometheus text exposition format 0.0.4 (summary; active with --per-session)'"
complete -c sessions -n "__fish_sessions_using_subcommand config; and __fish_seen_subcommand_from show" -l output-file -d 'Write the output to this file atomically (temporary file, then rename); print nothing' -r -F
complete -c sessions -n "__fish_sessions_using_subcommand config; and __fish_seen_subcommand_from show" -l color -d 'When to use colour (NO_COLOR and CLICOLOR_FORCE are honoured with auto)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c sessions -n "__fish_sessions_using_subcommand config; and __fish_seen_subcommand_from show" -l all-contexts -d 'Ask every context of the config file at once'
complete -c sessions -n "__fish_sessions_using_subcommand config; and __fish_seen_subcommand_from show" -l password-stdin -d 'Read the password from the first line of standard input'
complete -c sessions -n "__fish_sessions_using_subcommand config; and __fish_seen_subcommand_from show" -l insecure -d 'Accept a TLS certificate that cannot be verified (prints a warning)'
complete -c sessions -n "__fish_sessions_using_subcommand config; and __fish_seen_subcommand_from show" -l json -d 'Short for --output json'
complete -c sessions -n "__fish_sessions_using_subcommand config; and __fish_seen_subcommand_from show" -l no-headers -d 'Leave out the header line of table, wide and tsv output'
complete -c sessions -n "__fish_sessions_using_subcommand config; and __fish_seen_subcommand_from show" -s v -l verbose -d 'Say on stderr what is being asked of whom'
complete -c sessions -n "__fish_sessions_using_subcommand config; and __fish_seen_subcommand_from show" -s q -l quiet -d 'Print no warnings'
complete -c sessions -n "__fish_sessions_using_subcommand config; and __fish_seen_subcommand_from show" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c sessions -n "__fish_sessions_using_subcommand config; and __fish_seen_subcommand_from show" -s V -l version -d 'Print version'
complete -c sessions -n "__fish_sessions_using_subcommand config; and __fish_seen_subcommand_from set" -l password-command -d 'Shell command whose first line of output is the password (run with sh -c when needed)' -r
complete -c sessions -n "__fish_sessions_using_subcommand config; and __fish_seen_subcommand_from set" -l password-env -d 'Name of the environment variable holding the password' -r
complete -c sessions -n "__fish_sessions_using_subcommand config; and __fish_seen_subcommand_from set" -l token-env -d 'Name of the environment variable holding a datarhei access token' -r
complete -c sessions -n "__fish_sessions_using_subcommand config; and __fish_seen_subcommand_from set" -l port-map -d 'Local collector port map entry: rtmp=1935,1936 gives rtmp exactly these ports, rtmp+=41936 adds one to its defaults (repeatable; replaces the stored list; the --port-map of active/summary/collect is applied after it)' -r
complete -c sessions -n "__fish_sessions_using_subcommand config; and __fish_seen_subcommand_from set" -l config -d 'Config file (default: $XDG_CONFIG_HOME/sessions/config.toml, else ~/.config/sessions/config.toml)' -r -F
complete -c sessions -n "__fish_sessions_using_subcommand config; and __fish_seen_subcommand_from set" -l context -d 'Named target(s) from the config file; a comma list asks several servers at once' -r
complete -c sessions -n "__fish_sessions_using_subcommand config; and __fish_seen_subcommand_from set" -l parallel -d 'With several targets: ask at most N at a time (each holds a connection while it is asked; N is lowered to fit the open-file limit)' -r
complete -c sessions -n "__fish_sessions_using_subcommand config; and __fish_seen_subcommand_from set" -s u -l url -d 'Server to ask: http(s)://HOST:PORT for datarhei Core, ws(s)://HOST:PORT/ for TwinCAT HMI' -r
complete -c sessions -n "__fish_sessions_using_subcommand config; and __fish_seen_subcommand_from set" -l source -d 'Override the source guessed from the URL' -r -f -a "local\t''
datarhei\t''
tchmi\t''
mediamtx\t''
srs\t''
nginx-rtmp\t''
icecast\t''"
complete -c sessions -n "__fish_sessions_using_subcommand config; and __fish_seen_subcommand_from set" -l user -d 'User name to log in with; the password comes from SESSIONS_PASSWORD or --password-stdin' -r
complete -c sessions -n "__fish_sessions_using_subcommand config; and __fish_seen_subcommand_from set" -l token -d 'A ready datarhei access token (sent as a bearer token)' -r
complete -c sessions -n "__fish_sessions_using_subcommand config; and __fish_seen_subcommand_from set" -l ca-cert -d 'Trust this PEM CA certificate (instead of the system\'s roots), e.g. a server\'s own root' -r -F
complete -c sessions -n "__fish_sessions_using_subcommand config; and __fish_seen_subcommand_from set" -l timeout -d 'Bound on connecting, sending the request and receiving the reply, e.g. 500ms, 10s, 1m [default: 10s, or the context\'s timeout]' -r
complete -c sessions -n "__fish_sessions_using_subcommand config; and __fish_seen_subcommand_from set" -l max-body-size -d 'Refuse a reply larger than this, e.g. 64MiB' -r
complete -c sessions -n "__fish_sessions_using_subcommand config; and __fish_seen_subcommand_from set" -s o -l output -d 'Output format' -r -f -a "table\t''
wide\t''
json\t''
ndjson\t''
tsv\t''
prometheus\t'Prometheus text exposition format 0.0.4 (summary; active with --per-session)'"
complete -c sessions -n "__fish_sessions_using_subcommand config; and __fish_seen_subcommand_from set" -l output-file -d 'Write the output to this file atomically (temporary file, then rename); print nothing' -r -F
complete -c sessions -n "__fish_sessions_using_subcommand config; and __fish_seen_subcommand_from set" -l color -d 'When to use colour (NO_COLOR and CLICOLOR_FORCE are honoured with auto)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c sessions -n "__fish_sessions_using_subcommand config; and __fish_seen_subcommand_from set" -l all-contexts -d 'Ask every context of the config file at once'
complete -c sessions -n "__fish_sessions_using_subcommand config; and __fish_seen_subcommand_from set" -l password-stdin -d 'Read the password from the first line of standard input'
complete -c sessions -n "__fish_sessions_using_subcommand config; and __fish_seen_subcommand_from set" -l insecure -d 'Accept a TLS certificate that cannot be verified (prints a warning)'
complete -c sessions -n "__fish_sessions_using_subcommand config; and __fish_seen_subcommand_from set" -l json -d 'Short for --output json'
complete -c sessions -n "__fish_sessions_using_subcommand config; and __fish_seen_subcommand_from set" -l no-headers -d 'Leave out the header line of table, wide and tsv output'
complete -c sessions -n "__fish_sessions_using_subcommand config; and __fish_seen_subcommand_from set" -s v -l verbose -d 'Say on stderr what is being asked of whom'
complete -c sessions -n "__fish_sessions_using_subcommand config; and __fish_seen_subcommand_from set" -s q -l quiet -d 'Print no warnings'
complete -c sessions -n "__fish_sessions_using_subcommand config; and __fish_seen_subcommand_from set" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c sessions -n "__fish_sessions_using_subcommand config; and __fish_seen_subcommand_from set" -s V -l version -d 'Print version'
complete -c sessions -n "__fish_sessions_using_subcommand config; and __fish_seen_subcommand_from use" -l config -d 'Config file (default: $XDG_CONFIG_HOME/sessions/config.toml, else ~/.config/sessions/config.toml)' -r -F
complete -c sessions -n "__fish_sessions_using_subcommand config; and __fish_seen_subcommand_from use" -l context -d 'Named target(s) from the config file; a comma list asks several servers at once' -r
complete -c sessions -n "__fish_sessions_using_subcommand config; and __fish_seen_subcommand_from use" -l parallel -d 'With several targets: ask at most N at a time (each holds a connection while it is asked; N is lowered to fit the open-file limit)' -r
complete -c sessions -n "__fish_sessions_using_subcommand config; and __fish_seen_subcommand_from use" -s u -l url -d 'Server to ask: http(s)://HOST:PORT for datarhei Core, ws(s)://HOST:PORT/ for TwinCAT HMI' -r
complete -c sessions -n "__fish_sessions_using_subcommand config; and __fish_seen_subcommand_from use" -l source -d 'Override the source guessed from the URL' -r -f -a "local\t''
datarhei\t''
tchmi\t''
mediamtx\t''
srs\t''
nginx-rtmp\t''
icecast\t''"
complete -c sessions -n "__fish_sessions_using_subcommand config; and __fish_seen_subcommand_from use" -l user -d 'User name to log in with; the password comes from SESSIONS_PASSWORD or --password-stdin' -r
complete -c sessions -n "__fish_sessions_using_subcommand config; and __fish_seen_subcommand_from use" -l token -d 'A ready datarhei access token (sent as a bearer token)' -r
complete -c sessions -n "__fish_sessions_using_subcommand config; and __fish_seen_subcommand_from use" -l ca-cert -d 'Trust this PEM CA certificate (instead of the system\'s roots), e.g. a server\'s own root' -r -F
complete -c sessions -n "__fish_sessions_using_subcommand config; and __fish_seen_subcommand_from use" -l timeout -d 'Bound on connecting, sending the request and receiving the reply, e.g. 500ms, 10s, 1m [default: 10s, or the context\'s timeout]' -r
complete -c sessions -n "__fish_sessions_using_subcommand config; and __fish_seen_subcommand_from use" -l max-body-size -d 'Refuse a reply larger than this, e.g. 64MiB' -r
complete -c sessions -n "__fish_sessions_using_subcommand config; and __fish_seen_subcommand_from use" -s o -l output -d 'Output format' -r -f -a "table\t''
wide\t''
json\t''
ndjson\t''
tsv\t''
prometheus\t'Prometheus text exposition format 0.0.4 (summary; active with --per-session)'"
complete -c sessions -n "__fish_sessions_using_subcommand config; and __fish_seen_subcommand_from use" -l output-file -d 'Write the output to this file atomically (temporary file, then rename); print nothing' -r -F
complete -c sessions -n "__fish_sessions_using_subcommand config; and __fish_seen_subcommand_from use" -l color -d 'When to use colour (NO_COLOR and CLICOLOR_FORCE are honoured with auto)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c sessions -n "__fish_sessions_using_subcommand config; and __fish_seen_subcommand_from use" -l all-contexts -d 'Ask every context of the config file at once'
complete -c sessions -n "__fish_sessions_using_subcommand config; and __fish_seen_subcommand_from use" -l password-stdin -d 'Read the password from the first line of standard input'
complete -c sessions -n "__fish_sessions_using_subcommand config; and __fish_seen_subcommand_from use" -l insecure -d 'Accept a TLS certificate that cannot be verified (prints a warning)'
complete -c sessions -n "__fish_sessions_using_subcommand config; and __fish_seen_subcommand_from use" -l json -d 'Short for --output json'
complete -c sessions -n "__fish_sessions_using_subcommand config; and __fish_seen_subcommand_from use" -l no-headers -d 'Leave out the header line of table, wide and tsv output'
complete -c sessions -n "__fish_sessions_using_subcommand config; and __fish_seen_subcommand_from use" -s v -l verbose -d 'Say on stderr what is being asked of whom'
complete -c sessions -n "__fish_sessions_using_subcommand config; and __fish_seen_subcommand_from use" -s q -l quiet -d 'Print no warnings'
complete -c sessions -n "__fish_sessions_using_subcommand config; and __fish_seen_subcommand_from use" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c sessions -n "__fish_sessions_using_subcommand config; and __fish_seen_subcommand_from use" -s V -l version -d 'Print version'
complete -c sessions -n "__fish_sessions_using_subcommand config; and __fish_seen_subcommand_from current" -l config -d 'Config file (default: $XDG_CONFIG_HOME/sessions/config.toml, else ~/.config/sessions/config.toml)' -r -F
complete -c sessions -n "__fish_sessions_using_subcommand config; and __fish_seen_subcommand_from current" -l context -d 'Named target(s) from the config file; a comma list asks several servers at once' -r
complete -c sessions -n "__fish_sessions_using_subcommand config; and __fish_seen_subcommand_from current" -l parallel -d 'With several targets: ask at most N at a time (each holds a connection while it is asked; N is lowered to fit the open-file limit)' -r
complete -c sessions -n "__fish_sessions_using_subcommand config; and __fish_seen_subcommand_from current" -s u -l url -d 'Server to ask: http(s)://HOST:PORT for datarhei Core, ws(s)://HOST:PORT/ for TwinCAT HMI' -r
complete -c sessions -n "__fish_sessions_using_subcommand config; and __fish_seen_subcommand_from current" -l source -d 'Override the source guessed from the URL' -r -f -a "local\t''
datarhei\t''
tchmi\t''
mediamtx\t''
srs\t''
nginx-rtmp\t''
icecast\t''"
complete -c sessions -n "__fish_sessions_using_subcommand config; and __fish_seen_subcommand_from current" -l user -d 'User name to log in with; the password comes from SESSIONS_PASSWORD or --password-stdin' -r
complete -c sessions -n "__fish_sessions_using_subcommand config; and __fish_seen_subcommand_from current" -l token -d 'A ready datarhei access token (sent as a bearer token)' -r
complete -c sessions -n "__fish_sessions_using_subcommand config; and __fish_seen_subcommand_from current" -l ca-cert -d 'Trust this PEM CA certificate (instead of the system\'s roots), e.g. a server\'s own root' -r -F
complete -c sessions -n "__fish_sessions_using_subcommand config; and __fish_seen_subcommand_from current" -l timeout -d 'Bound on connecting, sending the request and receiving the reply, e.g. 500ms, 10s, 1m [default: 10s, or the context\'s timeout]' -r
complete -c sessions -n "__fish_sessions_using_subcommand config; and __fish_seen_subcommand_from current" -l max-body-size -d 'Refuse a reply larger than this, e.g. 64MiB' -r
complete -c sessions -n "__fish_sessions_using_subcommand config; and __fish_seen_subcommand_from current" -s o -l output -d 'Output format' -r -f -a "table\t''
wide\t''
json\t''
ndjson\t''
tsv\t''
prometheus\t'Prometheus text exposition format 0.0.4 (summary; active with --per-session)'"
complete -c sessions -n "__fish_sessions_using_subcommand config; and __fish_seen_subcommand_from current" -l output-file -d 'Write the output to this file atomically (temporary file, then rename); print nothing' -r -F
complete -c sessions -n "__fish_sessions_using_subcommand config; and __fish_seen_subcommand_from current" -l color -d 'When to use colour (NO_COLOR and CLICOLOR_FORCE are honoured with auto)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c sessions -n "__fish_sessions_using_subcommand config; and __fish_seen_subcommand_from current" -l all-contexts -d 'Ask every context of the config file at once'
complete -c sessions -n "__fish_sessions_using_subcommand config; and __fish_seen_subcommand_from current" -l password-stdin -d 'Read the password from the first line of standard input'
complete -c sessions -n "__fish_sessions_using_subcommand config; and __fish_seen_subcommand_from current" -l insecure -d 'Accept a TLS certificate that cannot be verified (prints a warning)'
complete -c sessions -n "__fish_sessions_using_subcommand config; and __fish_seen_subcommand_from current" -l json -d 'Short for --output json'
complete -c sessions -n "__fish_sessions_using_subcommand config; and __fish_seen_subcommand_from current" -l no-headers -d 'Leave out the header line of table, wide and tsv output'
complete -c sessions -n "__fish_sessions_using_subcommand config; and __fish_seen_subcommand_from current" -s v -l verbose -d 'Say on stderr what is being asked of whom'
complete -c sessions -n "__fish_sessions_using_subcommand config; and __fish_seen_subcommand_from current" -s q -l quiet -d 'Print no warnings'
complete -c sessions -n "__fish_sessions_using_subcommand config; and __fish_seen_subcommand_from current" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c sessions -n "__fish_sessions_using_subcommand config; and __fish_seen_subcommand_from current" -s V -l version -d 'Print version'
complete -c sessions -n "__fish_sessions_using_subcommand config; and __fish_seen_subcommand_from delete" -l config -d 'Config file (default: $XDG_CONFIG_HOME/sessions/config.toml, else ~/.config/sessions/config.toml)' -r -F
complete -c sessions -n "__fish_sessions_using_subcommand config; and __fish_seen_subcommand_from delete" -l context -d 'Named target(s) from the config file; a comma list asks several servers at once' -r
complete -c sessions -n "__fish_sessions_using_subcommand config; and __fish_seen_subcommand_from delete" -l parallel -d 'With several targets: ask at most N at a time (each holds a connection while it is asked; N is lowered to fit the open-file limit)' -r
complete -c sessions -n "__fish_sessions_using_subcommand config; and __fish_seen_subcommand_from delete" -s u -l url -d 'Server to ask: http(s)://HOST:PORT for datarhei Core, ws(s)://HOST:PORT/ for TwinCAT HMI' -r
complete -c sessions -n "__fish_sessions_using_subcommand config; and __fish_seen_subcommand_from delete" -l source -d 'Override the source guessed from the URL' -r -f -a "local\t''
datarhei\t''
tchmi\t''
mediamtx\t''
srs\t''
nginx-rtmp\t''
icecast\t''"
complete -c sessions -n "__fish_sessions_using_subcommand config; and __fish_seen_subcommand_from delete" -l user -d 'User name to log in with; the password comes from SESSIONS_PASSWORD or --password-stdin' -r
complete -c sessions -n "__fish_sessions_using_subcommand config; and __fish_seen_subcommand_from delete" -l token -d 'A ready datarhei access token (sent as a bearer token)' -r
complete -c sessions -n "__fish_sessions_using_subcommand config; and __fish_seen_subcommand_from delete" -l ca-cert -d 'Trust this PEM CA certificate (instead of the system\'s roots), e.g. a server\'s own root' -r -F
complete -c sessions -n "__fish_sessions_using_subcommand config; and __fish_seen_subcommand_from delete" -l timeout -d 'Bound on connecting, sending the request and receiving the reply, e.g. 500ms, 10s, 1m [default: 10s, or the context\'s timeout]' -r
complete -c sessions -n "__fish_sessions_using_subcommand config; and __fish_seen_subcommand_from delete" -l max-body-size -d 'Refuse a reply larger than this, e.g. 64MiB' -r
complete -c sessions -n "__fish_sessions_using_subcommand config; and __fish_seen_subcommand_from delete" -s o -l output -d 'Output format' -r -f -a "table\t''
wide\t''
json\t''
ndjson\t''
tsv\t''
prometheus\t'Prometheus text exposition format 0.0.4 (summary; active with --per-session)'"
complete -c sessions -n "__fish_sessions_using_subcommand config; and __fish_seen_subcommand_from delete" -l output-file -d 'Write the output to this file atomically (temporary file, then rename); print nothing' -r -F
complete -c sessions -n "__fish_sessions_using_subcommand config; and __fish_seen_subcommand_from delete" -l color -d 'When to use colour (NO_COLOR and CLICOLOR_FORCE are honoured with auto)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c sessions -n "__fish_sessions_using_subcommand config; and __fish_seen_subcommand_from delete" -l all-contexts -d 'Ask every context of the config file at once'
complete -c sessions -n "__fish_sessions_using_subcommand config; and __fish_seen_subcommand_from delete" -l password-stdin -d 'Read the password from the first line of standard input'
complete -c sessions -n "__fish_sessions_using_subcommand config; and __fish_seen_subcommand_from delete" -l insecure -d 'Accept a TLS certificate that cannot be verified (prints a warning)'
complete -c sessions -n "__fish_sessions_using_subcommand config; and __fish_seen_subcommand_from delete" -l json -d 'Short for --output json'
complete -c sessions -n "__fish_sessions_using_subcommand config; and __fish_seen_subcommand_from delete" -l no-headers -d 'Leave out the header line of table, wide and tsv output'
complete -c sessions -n "__fish_sessions_using_subcommand config; and __fish_seen_subcommand_from delete" -s v -l verbose -d 'Say on stderr what is being asked of whom'
complete -c sessions -n "__fish_sessions_using_subcommand config; and __fish_seen_subcommand_from delete" -s q -l quiet -d 'Print no warnings'
complete -c sessions -n "__fish_sessions_using_subcommand config; and __fish_seen_subcommand_from delete" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c sessions -n "__fish_sessions_using_subcommand config; and __fish_seen_subcommand_from delete" -s V -l version -d 'Print version'
complete -c sessions -n "__fish_sessions_using_subcommand config; and __fish_seen_subcommand_from rename" -l config -d 'Config file (default: $XDG_CONFIG_HOME/sessions/config.toml, else ~/.config/sessions/config.toml)' -r -F
complete -c sessions -n "__fish_sessions_using_subcommand config; and __fish_seen_subcommand_from rename" -l context -d 'Named target(s) from the config file; a comma list asks several servers at once' -r
complete -c sessions -n "__fish_sessions_using_subcommand config; and __fish_seen_subcommand_from rename" -l parallel -d 'With several targets: ask at most N at a time (each holds a connection while it is asked; N is lowered to fit the open-file limit)' -r
complete -c sessions -n "__fish_sessions_using_subcommand config; and __fish_seen_subcommand_from rename" -s u -l url -d 'Server to ask: http(s)://HOST:PORT for datarhei Core, ws(s)://HOST:PORT/ for TwinCAT HMI' -r
complete -c sessions -n "__fish_sessions_using_subcommand config; and __fish_seen_subcommand_from rename" -l source -d 'Override the source guessed from the URL' -r -f -a "local\t''
datarhei\t''
tchmi\t''
mediamtx\t''
srs\t''
nginx-rtmp\t''
icecast\t''"
complete -c sessions -n "__fish_sessions_using_subcommand config; and __fish_seen_subcommand_from rename" -l user -d 'User name to log in with; the password comes from SESSIONS_PASSWORD or --password-stdin' -r
complete -c sessions -n "__fish_sessions_using_subcommand config; and __fish_seen_subcommand_from rename" -l token -d 'A ready datarhei access token (sent as a bearer token)' -r
complete -c sessions -n "__fish_sessions_using_subcommand config; and __fish_seen_subcommand_from rename" -l ca-cert -d 'Trust this PEM CA certificate (instead of the system\'s roots), e.g. a server\'s own root' -r -F
complete -c sessions -n "__fish_sessions_using_subcommand config; and __fish_seen_subcommand_from rename" -l timeout -d 'Bound on connecting, sending the request and receiving the reply, e.g. 500ms, 10s, 1m [default: 10s, or the context\'s timeout]' -r
complete -c sessions -n "__fish_sessions_using_subcommand config; and __fish_seen_subcommand_from rename" -l max-body-size -d 'Refuse a reply larger than this, e.g. 64MiB' -r
complete -c sessions -n "__fish_sessions_using_subcommand config; and __fish_seen_subcommand_from rename" -s o -l output -d 'Output format' -r -f -a "table\t''
wide\t''
json\t''
ndjson\t''
tsv\t''
prometheus\t'Prometheus text exposition format 0.0.4 (summary; active with --per-session)'"
complete -c sessions -n "__fish_sessions_using_subcommand config; and __fish_seen_subcommand_from rename" -l output-file -d 'Write the output to this file atomically (temporary file, then rename); print nothing' -r -F
complete -c sessions -n "__fish_sessions_using_subcommand config; and __fish_seen_subcommand_from rename" -l color -d 'When to use colour (NO_COLOR and CLICOLOR_FORCE are honoured with auto)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c sessions -n "__fish_sessions_using_subcommand config; and __fish_seen_subcommand_from rename" -l all-contexts -d 'Ask every context of the config file at once'
complete -c sessions -n "__fish_sessions_using_subcommand config; and __fish_seen_subcommand_from rename" -l password-stdin -d 'Read the password from the first line of standard input'
complete -c sessions -n "__fish_sessions_using_subcommand config; and __fish_seen_subcommand_from rename" -l insecure -d 'Accept a TLS certificate that cannot be verified (prints a warning)'
complete -c sessions -n "__fish_sessions_using_subcommand config; and __fish_seen_subcommand_from rename" -l json -d 'Short for --output json'
complete -c sessions -n "__fish_sessions_using_subcommand config; and __fish_seen_subcommand_from rename" -l no-headers -d 'Leave out the header line of table, wide and tsv output'
complete -c sessions -n "__fish_sessions_using_subcommand config; and __fish_seen_subcommand_from rename" -s v -l verbose -d 'Say on stderr what is being asked of whom'
complete -c sessions -n "__fish_sessions_using_subcommand config; and __fish_seen_subcommand_from rename" -s q -l quiet -d 'Print no warnings'
complete -c sessions -n "__fish_sessions_using_subcommand config; and __fish_seen_subcommand_from rename" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c sessions -n "__fish_sessions_using_subcommand config; and __fish_seen_subcommand_from rename" -s V -l version -d 'Print version'
complete -c sessions -n "__fish_sessions_using_subcommand config; and __fish_seen_subcommand_from unset" -l config -d 'Config file (default: $XDG_CONFIG_HOME/sessions/config.toml, else ~/.config/sessions/config.toml)' -r -F
complete -c sessions -n "__fish_sessions_using_subcommand config; and __fish_seen_subcommand_from unset" -l context -d 'Named target(s) from the config file; a comma list asks several servers at once' -r
complete -c sessions -n "__fish_sessions_using_subcommand config; and __fish_seen_subcommand_from unset" -l parallel -d 'With several targets: ask at most N at a time (each holds a connection while it is asked; N is lowered to fit the open-file limit)' -r
complete -c sessions -n "__fish_sessions_using_subcommand config; and __fish_seen_subcommand_from unset" -s u -l url -d 'Server to ask: http(s)://HOST:PORT for datarhei Core, ws(s)://HOST:PORT/ for TwinCAT HMI' -r
complete -c sessions -n "__fish_sessions_using_subcommand config; and __fish_seen_subcommand_from unset" -l source -d 'Override the source guessed from the URL' -r -f -a "local\t''
datarhei\t''
tchmi\t''
mediamtx\t''
srs\t''
nginx-rtmp\t''
icecast\t''"
complete -c sessions -n "__fish_sessions_using_subcommand config; and __fish_seen_subcommand_from unset" -l user -d 'User name to log in with; the password comes from SESSIONS_PASSWORD or --password-stdin' -r
complete -c sessions -n "__fish_sessions_using_subcommand config; and __fish_seen_subcommand_from unset" -l token -d 'A ready datarhei access token (sent as a bearer token)' -r
complete -c sessions -n "__fish_sessions_using_subcommand config; and __fish_seen_subcommand_from unset" -l ca-cert -d 'Trust this PEM CA certificate (instead of the system\'s roots), e.g. a server\'s own root' -r -F
complete -c sessions -n "__fish_sessions_using_subcommand config; and __fish_seen_subcommand_from unset" -l timeout -d 'Bound on connecting, sending the request and receiving the reply, e.g. 500ms, 10s, 1m [default: 10s, or the context\'s timeout]' -r
complete -c sessions -n "__fish_sessions_using_subcommand config; and __fish_seen_subcommand_from unset" -l max-body-size -d 'Refuse a reply larger than this, e.g. 64MiB' -r
complete -c sessions -n "__fish_sessions_using_subcommand config; and __fish_seen_subcommand_from unset" -s o -l output -d 'Output format' -r -f -a "table\t''
wide\t''
json\t''
ndjson\t''
tsv\t''
prometheus\t'Prometheus text exposition format 0.0.4 (summary; active with --per-session)'"
complete -c sessions -n "__fish_sessions_using_subcommand config; and __fish_seen_subcommand_from unset" -l output-file -d 'Write the output to this file atomically (temporary file, then rename); print nothing' -r -F
complete -c sessions -n "__fish_sessions_using_subcommand config; and __fish_seen_subcommand_from unset" -l color -d 'When to use colour (NO_COLOR and CLICOLOR_FORCE are honoured with auto)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c sessions -n "__fish_sessions_using_subcommand config; and __fish_seen_subcommand_from unset" -l all-contexts -d 'Ask every context of the config file at once'
complete -c sessions -n "__fish_sessions_using_subcommand config; and __fish_seen_subcommand_from unset" -l password-stdin -d 'Read the password from the first line of standard input'
complete -c sessions -n "__fish_sessions_using_subcommand config; and __fish_seen_subcommand_from unset" -l insecure -d 'Accept a TLS certificate that cannot be verified (prints a warning)'
complete -c sessions -n "__fish_sessions_using_subcommand config; and __fish_seen_subcommand_from unset" -l json -d 'Short for --output json'
complete -c sessions -n "__fish_sessions_using_subcommand config; and __fish_seen_subcommand_from unset" -l no-headers -d 'Leave out the header line of table, wide and tsv output'
complete -c sessions -n "__fish_sessions_using_subcommand config; and __fish_seen_subcommand_from unset" -s v -l verbose -d 'Say on stderr what is being asked of whom'
complete -c sessions -n "__fish_sessions_using_subcommand config; and __fish_seen_subcommand_from unset" -s q -l quiet -d 'Print no warnings'
complete -c sessions -n "__fish_sessions_using_subcommand config; and __fish_seen_subcommand_from unset" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c sessions -n "__fish_sessions_using_subcommand config; and __fish_seen_subcommand_from unset" -s V -l version -d 'Print version'
complete -c sessions -n "__fish_sessions_using_subcommand config; and __fish_seen_subcommand_from help" -f -a "list" -d 'List the contexts (the current one is marked)'
complete -c sessions -n "__fish_sessions_using_subcommand config; and __fish_seen_subcommand_from help" -f -a "show" -d 'Show one context\'s settings (default: the current one); secrets are never shown'
complete -c sessions -n "__fish_sessions_using_subcommand config; and __fish_seen_subcommand_from help" -f -a "set" -d 'Create or update a context (the file is written atomically, mode 0600)'
complete -c sessions -n "__fish_sessions_using_subcommand config; and __fish_seen_subcommand_from help" -f -a "use" -d 'Make a context the current one (used when neither --url nor --context is given)'
complete -c sessions -n "__fish_sessions_using_subcommand config; and __fish_seen_subcommand_from help" -f -a "current" -d 'Print the name of the current context'
complete -c sessions -n "__fish_sessions_using_subcommand config; and __fish_seen_subcommand_from help" -f -a "delete" -d 'Remove a context (and clear current-context if it was the current one)'
complete -c sessions -n "__fish_sessions_using_subcommand config; and __fish_seen_subcommand_from help" -f -a "rename" -d 'Give a context a new name (current-context follows it)'
complete -c sessions -n "__fish_sessions_using_subcommand config; and __fish_seen_subcommand_from help" -f -a "unset" -d 'Remove keys from a context, e.g. `config unset studio timeout insecure`'
complete -c sessions -n "__fish_sessions_using_subcommand config; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c sessions -n "__fish_sessions_using_subcommand collect" -l port-map -d 'Local collector: COLLECTOR=PORTS gives a collector exactly these ports instead of its defaults (rtmp=19350); COLLECTOR+=PORTS adds them and keeps the defaults (rtmp+=41936 keeps 1935 and 1936). Repeatable, applied in order after the context\'s port_map; srt is UDP, the others TCP' -r
complete -c sessions -n "__fish_sessions_using_subcommand collect" -l proc-root -d 'Local collector: the proc filesystem to read processes and sockets from' -r -F
complete -c sessions -n "__fish_sessions_using_subcommand collect" -l interval -d 'How often to look at the sockets; also the window of the bit rates' -r
complete -c sessions -n "__fish_sessions_using_subcommand collect" -l listen -d 'Serve datarhei Core\'s session API and /metrics on this address, e.g. 127.0.0.1:8787. Any address other than loopback requires --token (sent as Authorization: Bearer)' -r
complete -c sessions -n "__fish_sessions_using_subcommand collect" -l db -d 'The history store [default: $XDG_STATE_HOME/sessions/history.sqlite3 or ~/.local/state/sessions/history.sqlite3]' -r -F
complete -c sessions -n "__fish_sessions_using_subcommand collect" -l config -d 'Config file (default: $XDG_CONFIG_HOME/sessions/config.toml, else ~/.config/sessions/config.toml)' -r -F
complete -c sessions -n "__fish_sessions_using_subcommand collect" -l context -d 'Named target(s) from the config file; a comma list asks several servers at once' -r
complete -c sessions -n "__fish_sessions_using_subcommand collect" -l parallel -d 'With several targets: ask at most N at a time (each holds a connection while it is asked; N is lowered to fit the open-file limit)' -r
complete -c sessions -n "__fish_sessions_using_subcommand collect" -s u -l url -d 'Server to ask: http(s)://HOST:PORT for datarhei Core, ws(s)://HOST:PORT/ for TwinCAT HMI' -r
complete -c sessions -n "__fish_sessions_using_subcommand collect" -l source -d 'Override the source guessed from the URL' -r -f -a "local\t''
datarhei\t''
tchmi\t''
mediamtx\t''
srs\t''
nginx-rtmp\t''
icecast\t''"
complete -c sessions -n "__fish_sessions_using_subcommand collect" -l user -d 'User name to log in with; the password comes from SESSIONS_PASSWORD or --password-stdin' -r
complete -c sessions -n "__fish_sessions_using_subcommand collect" -l token -d 'A ready datarhei access token (sent as a bearer token)' -r
complete -c sessions -n "__fish_sessions_using_subcommand collect" -l ca-cert -d 'Trust this PEM CA certificate (instead of the system\'s roots), e.g. a server\'s own root' -r -F
complete -c sessions -n "__fish_sessions_using_subcommand collect" -l timeout -d 'Bound on connecting, sending the request and receiving the reply, e.g. 500ms, 10s, 1m [default: 10s, or the context\'s timeout]' -r
complete -c sessions -n "__fish_sessions_using_subcommand collect" -l max-body-size -d 'Refuse a reply larger than this, e.g. 64MiB' -r
complete -c sessions -n "__fish_sessions_using_subcommand collect" -s o -l output -d 'Output format' -r -f -a "table\t''
wide\t''
json\t''
ndjson\t''
tsv\t''
prometheus\t'Prometheus text exposition format 0.0.4 (summary; active with --per-session)'"
complete -c sessions -n "__fish_sessions_using_subcommand collect" -l output-file -d 'Write the output to this file atomically (temporary file, then rename); print nothing' -r -F
complete -c sessions -n "__fish_sessions_using_subcommand collect" -l color -d 'When to use colour (NO_COLOR and CLICOLOR_FORCE are honoured with auto)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c sessions -n "__fish_sessions_using_subcommand collect" -l all -d 'Local collector: list every socket on a mapped port and every ffmpeg input and output, not only the sessions: this machine\'s own web traffic (a package manager\'s HTTPS), ffmpeg\'s generated inputs (-f lavfi), files, pipes and -f null outputs'
complete -c sessions -n "__fish_sessions_using_subcommand collect" -l all-contexts -d 'Ask every context of the config file at once'
complete -c sessions -n "__fish_sessions_using_subcommand collect" -l password-stdin -d 'Read the password from the first line of standard input'
complete -c sessions -n "__fish_sessions_using_subcommand collect" -l insecure -d 'Accept a TLS certificate that cannot be verified (prints a warning)'
complete -c sessions -n "__fish_sessions_using_subcommand collect" -l json -d 'Short for --output json'
complete -c sessions -n "__fish_sessions_using_subcommand collect" -l no-headers -d 'Leave out the header line of table, wide and tsv output'
complete -c sessions -n "__fish_sessions_using_subcommand collect" -s v -l verbose -d 'Say on stderr what is being asked of whom'
complete -c sessions -n "__fish_sessions_using_subcommand collect" -s q -l quiet -d 'Print no warnings'
complete -c sessions -n "__fish_sessions_using_subcommand collect" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c sessions -n "__fish_sessions_using_subcommand collect" -s V -l version -d 'Print version'
complete -c sessions -n "__fish_sessions_using_subcommand kick" -l collectors -d 'Comma list of collectors (default: all): hls, hlsingress, http, https, rtmp, srt, ffmpeg' -r
complete -c sessions -n "__fish_sessions_using_subcommand kick" -l filter -d 'Disconnect the sessions matching FIELD=VALUE or FIELD!=VALUE (repeatable, as `active`)' -r
complete -c sessions -n "__fish_sessions_using_subcommand kick" -l config -d 'Config file (default: $XDG_CONFIG_HOME/sessions/config.toml, else ~/.config/sessions/config.toml)' -r -F
complete -c sessions -n "__fish_sessions_using_subcommand kick" -l context -d 'Named target(s) from the config file; a comma list asks several servers at once' -r
complete -c sessions -n "__fish_sessions_using_subcommand kick" -l parallel -d 'With several targets: ask at most N at a time (each holds a connection while it is asked; N is lowered to fit the open-file limit)' -r
complete -c sessions -n "__fish_sessions_using_subcommand kick" -s u -l url -d 'Server to ask: http(s)://HOST:PORT for datarhei Core, ws(s)://HOST:PORT/ for TwinCAT HMI' -r
complete -c sessions -n "__fish_sessions_using_subcommand kick" -l source -d 'Override the source guessed from the URL' -r -f -a "local\t''
datarhei\t''
tchmi\t''
mediamtx\t''
srs\t''
nginx-rtmp\t''
icecast\t''"
complete -c sessions -n "__fish_sessions_using_subcommand kick" -l user -d 'User name to log in with; the password comes from SESSIONS_PASSWORD or --password-stdin' -r
complete -c sessions -n "__fish_sessions_using_subcommand kick" -l token -d 'A ready datarhei access token (sent as a bearer token)' -r
complete -c sessions -n "__fish_sessions_using_subcommand kick" -l ca-cert -d 'Trust this PEM CA certificate (instead of the system\'s roots), e.g. a server\'s own root' -r -F
complete -c sessions -n "__fish_sessions_using_subcommand kick" -l timeout -d 'Bound on connecting, sending the request and receiving the reply, e.g. 500ms, 10s, 1m [default: 10s, or the context\'s timeout]' -r
complete -c sessions -n "__fish_sessions_using_subcommand kick" -l max-body-size -d 'Refuse a reply larger than this, e.g. 64MiB' -r
complete -c sessions -n "__fish_sessions_using_subcommand kick" -s o -l output -d 'Output format' -r -f -a "table\t''
wide\t''
json\t''
ndjson\t''
tsv\t''
prometheus\t'Prometheus text exposition format 0.0.4 (summary; active with --per-session)'"
complete -c sessions -n "__fish_sessions_using_subcommand kick" -l output-file -d 'Write the output to this file atomically (temporary file, then rename); print nothing' -r -F
complete -c sessions -n "__fish_sessions_using_subcommand kick" -l color -d 'When to use colour (NO_COLOR and CLICOLOR_FORCE are honoured with auto)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c sessions -n "__fish_sessions_using_subcommand kick" -s y -l yes -d 'Do not ask: disconnect at once (required when not on a terminal)'
complete -c sessions -n "__fish_sessions_using_subcommand kick" -l all-contexts -d 'Ask every context of the config file at once'
complete -c sessions -n "__fish_sessions_using_subcommand kick" -l password-stdin -d 'Read the password from the first line of standard input'
complete -c sessions -n "__fish_sessions_using_subcommand kick" -l insecure -d 'Accept a TLS certificate that cannot be verified (prints a warning)'
complete -c sessions -n "__fish_sessions_using_subcommand kick" -l json -d 'Short for --output json'
complete -c sessions -n "__fish_sessions_using_subcommand kick" -l no-headers -d 'Leave out the header line of table, wide and tsv output'
complete -c sessions -n "__fish_sessions_using_subcommand kick" -s v -l verbose -d 'Say on stderr what is being asked of whom'
complete -c sessions -n "__fish_sessions_using_subcommand kick" -s q -l quiet -d 'Print no warnings'
complete -c sessions -n "__fish_sessions_using_subcommand kick" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c sessions -n "__fish_sessions_using_subcommand kick" -s V -l version -d 'Print version'
complete -c sessions -n "__fish_sessions_using_subcommand completions" -l config -d 'Config file (default: $XDG_CONFIG_HOME/sessions/config.toml, else ~/.config/sessions/config.toml)' -r -F
complete -c sessions -n "__fish_sessions_using_subcommand completions" -l context -d 'Named target(s) from the config file; a comma list asks several servers at once' -r
complete -c sessions -n "__fish_sessions_using_subcommand completions" -l parallel -d 'With several targets: ask at most N at a time (each holds a connection while it is asked; N is lowered to fit the open-file limit)' -r
complete -c sessions -n "__fish_sessions_using_subcommand completions" -s u -l url -d 'Server to ask: http(s)://HOST:PORT for datarhei Core, ws(s)://HOST:PORT/ for TwinCAT HMI' -r
complete -c sessions -n "__fish_sessions_using_subcommand completions" -l source -d 'Override the source guessed from the URL' -r -f -a "local\t''
datarhei\t''
tchmi\t''
mediamtx\t''
srs\t''
nginx-rtmp\t''
icecast\t''"
complete -c sessions -n "__fish_sessions_using_subcommand completions" -l user -d 'User name to log in with; the password comes from SESSIONS_PASSWORD or --password-stdin' -r
complete -c sessions -n "__fish_sessions_using_subcommand completions" -l token -d 'A ready datarhei access token (sent as a bearer token)' -r
complete -c sessions -n "__fish_sessions_using_subcommand completions" -l ca-cert -d 'Trust this PEM CA certificate (instead of the system\'s roots), e.g. a server\'s own root' -r -F
complete -c sessions -n "__fish_sessions_using_subcommand completions" -l timeout -d 'Bound on connecting, sending the request and receiving the reply, e.g. 500ms, 10s, 1m [default: 10s, or the context\'s timeout]' -r
complete -c sessions -n "__fish_sessions_using_subcommand completions" -l max-body-size -d 'Refuse a reply larger than this, e.g. 64MiB' -r
complete -c sessions -n "__fish_sessions_using_subcommand completions" -s o -l output -d 'Output format' -r -f -a "table\t''
wide\t''
json\t''
ndjson\t''
tsv\t''
prometheus\t'Prometheus text exposition format 0.0.4 (summary; active with --per-session)'"
complete -c sessions -n "__fish_sessions_using_subcommand completions" -l output-file -d 'Write the output to this file atomically (temporary file, then rename); print nothing' -r -F
complete -c sessions -n "__fish_sessions_using_subcommand completions" -l color -d 'When to use colour (NO_COLOR and CLICOLOR_FORCE are honoured with auto)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c sessions -n "__fish_sessions_using_subcommand completions" -l all-contexts -d 'Ask every context of the config file at once'
complete -c sessions -n "__fish_sessions_using_subcommand completions" -l password-stdin -d 'Read the password from the first line of standard input'
complete -c sessions -n "__fish_sessions_using_subcommand completions" -l insecure -d 'Accept a TLS certificate that cannot be verified (prints a warning)'
complete -c sessions -n "__fish_sessions_using_subcommand completions" -l json -d 'Short for --output json'
complete -c sessions -n "__fish_sessions_using_subcommand completions" -l no-headers -d 'Leave out the header line of table, wide and tsv output'
complete -c sessions -n "__fish_sessions_using_subcommand completions" -s v -l verbose -d 'Say on stderr what is being asked of whom'
complete -c sessions -n "__fish_sessions_using_subcommand completions" -s q -l quiet -d 'Print no warnings'
complete -c sessions -n "__fish_sessions_using_subcommand completions" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c sessions -n "__fish_sessions_using_subcommand completions" -s V -l version -d 'Print version'
complete -c sessions -n "__fish_sessions_using_subcommand help; and not __fish_seen_subcommand_from active summary clients subscriptions watch config collect kick completions help" -f -a "active" -d 'One row per active session'
complete -c sessions -n "__fish_sessions_using_subcommand help; and not __fish_seen_subcommand_from active summary clients subscriptions watch config collect kick completions help" -f -a "summary" -d 'Per collector: active sessions, bandwidth, configured limits, finished-session totals'
complete -c sessions -n "__fish_sessions_using_subcommand help; and not __fish_seen_subcommand_from active summary clients subscriptions watch config collect kick completions help" -f -a "clients" -d 'TwinCAT HMI: one row per connected WebSocket (client, session id, user, registered commands)'
complete -c sessions -n "__fish_sessions_using_subcommand help; and not __fish_seen_subcommand_from active summary clients subscriptions watch config collect kick completions help" -f -a "subscriptions" -d 'TwinCAT HMI: one row per subscription (key, id, type, interval, clients, JSON length, average duration, symbols)'
complete -c sessions -n "__fish_sessions_using_subcommand help; and not __fish_seen_subcommand_from active summary clients subscriptions watch config collect kick completions help" -f -a "watch" -d 'Live view of the active sessions: a redrawn table on a terminal, NDJSON events otherwise'
complete -c sessions -n "__fish_sessions_using_subcommand help; and not __fish_seen_subcommand_from active summary clients subscriptions watch config collect kick completions help" -f -a "config" -d 'Named contexts of the config file: list, show, set, use'
complete -c sessions -n "__fish_sessions_using_subcommand help; and not __fish_seen_subcommand_from active summary clients subscriptions watch config collect kick completions help" -f -a "collect" -d 'Run the local collector continuously: record finished sessions, optionally serve them'
complete -c sessions -n "__fish_sessions_using_subcommand help; and not __fish_seen_subcommand_from active summary clients subscriptions watch config collect kick completions help" -f -a "kick" -d 'Disconnect sessions where the server can (MediaMTX, SRS, nginx-rtmp, Icecast)'
complete -c sessions -n "__fish_sessions_using_subcommand help; and not __fish_seen_subcommand_from active summary clients subscriptions watch config collect kick completions help" -f -a "completions" -d 'Print the shell completion script'
complete -c sessions -n "__fish_sessions_using_subcommand help; and not __fish_seen_subcommand_from active summary clients subscriptions watch config collect kick completions help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c sessions -n "__fish_sessions_using_subcommand help; and __fish_seen_subcommand_from config" -f -a "list" -d 'List the contexts (the current one is marked)'
complete -c sessions -n "__fish_sessions_using_subcommand help; and __fish_seen_subcommand_from config" -f -a "show" -d 'Show one context\'s settings (default: the current one); secrets are never shown'
complete -c sessions -n "__fish_sessions_using_subcommand help; and __fish_seen_subcommand_from config" -f -a "set" -d 'Create or update a context (the file is written atomically, mode 0600)'
complete -c sessions -n "__fish_sessions_using_subcommand help; and __fish_seen_subcommand_from config" -f -a "use" -d 'Make a context the current one (used when neither --url nor --context is given)'
complete -c sessions -n "__fish_sessions_using_subcommand help; and __fish_seen_subcommand_from config" -f -a "current" -d 'Print the name of the current context'
complete -c sessions -n "__fish_sessions_using_subcommand help; and __fish_seen_subcommand_from config" -f -a "delete" -d 'Remove a context (and clear current-context if it was the current one)'
complete -c sessions -n "__fish_sessions_using_subcommand help; and __fish_seen_subcommand_from config" -f -a "rename" -d 'Give a context a new name (current-context follows it)'
complete -c sessions -n "__fish_sessions_using_subcommand help; and __fish_seen_subcommand_from config" -f -a "unset" -d 'Remove keys from a context, e.g. `config unset studio timeout insecure`'
