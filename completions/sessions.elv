
use builtin;
use str;

set edit:completion:arg-completer[sessions] = {|@words|
    fn spaces {|n|
        builtin:repeat $n ' ' | str:join ''
    }
    fn cand {|text desc|
        edit:complex-candidate $text &display=$text' '(spaces (- 14 (wcswidth $text)))$desc
    }
    var command = 'sessions'
    for word $words[1..-1] {
        if (str:has-prefix $word '-') {
            break
        }
        set command = $command';'$word
    }
    var completions = [
        &'sessions'= {
            cand -u 'Server to ask: http(s)://HOST:PORT for datarhei Core, ws(s)://HOST:PORT/ for TwinCAT HMI'
            cand --url 'Server to ask: http(s)://HOST:PORT for datarhei Core, ws(s)://HOST:PORT/ for TwinCAT HMI'
            cand --source 'Override the source guessed from the URL'
            cand --user 'User name to log in with; the password comes from SESSIONS_PASSWORD or --password-stdin'
            cand --token 'A ready datarhei access token (sent as a bearer token)'
            cand --ca-cert 'Trust this PEM CA certificate (instead of the system''s roots), e.g. a server''s own root'
            cand --timeout 'Bound on connecting, sending the request and receiving the reply, e.g. 500ms, 10s, 1m'
            cand --max-body-size 'Refuse a reply larger than this, e.g. 64MiB'
            cand -o 'Output format'
            cand --output 'Output format'
            cand --output-file 'Write the output to this file atomically (temporary file, then rename); print nothing'
            cand --color 'When to use colour (NO_COLOR and CLICOLOR_FORCE are honoured with auto)'
            cand --password-stdin 'Read the password from the first line of standard input'
            cand --insecure 'Accept a TLS certificate that cannot be verified (prints a warning)'
            cand --json 'Short for --output json'
            cand --no-headers 'Leave out the header line of table, wide and tsv output'
            cand -v 'Say on stderr what is being asked of whom'
            cand --verbose 'Say on stderr what is being asked of whom'
            cand -q 'Print no warnings'
            cand --quiet 'Print no warnings'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
            cand active 'One row per active session'
            cand summary 'Per collector: active sessions, bandwidth, configured limits, finished-session totals'
            cand clients 'TwinCAT HMI: one row per connected WebSocket (client, session id, user, registered commands)'
            cand subscriptions 'TwinCAT HMI: one row per subscription (key, id, type, interval, clients, JSON length, average duration, symbols)'
            cand completions 'Print the shell completion script'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'sessions;active'= {
            cand --collectors 'Comma list of collectors (default: all): hls, hlsingress, http, https, rtmp, srt, ffmpeg'
            cand --sort-by 'Sort by this field (numbers largest first, text A to Z)'
            cand --limit 'Show at most N sessions (after filtering and sorting)'
            cand --filter 'Keep sessions matching FIELD=VALUE or FIELD!=VALUE (repeatable; all must match). FIELD: collector, id, reference, local, remote, extra. VALUE: exact text, a glob with *, or for local/remote an IP address or CIDR (remote=10.0.0.0/8)'
            cand -u 'Server to ask: http(s)://HOST:PORT for datarhei Core, ws(s)://HOST:PORT/ for TwinCAT HMI'
            cand --url 'Server to ask: http(s)://HOST:PORT for datarhei Core, ws(s)://HOST:PORT/ for TwinCAT HMI'
            cand --source 'Override the source guessed from the URL'
            cand --user 'User name to log in with; the password comes from SESSIONS_PASSWORD or --password-stdin'
            cand --token 'A ready datarhei access token (sent as a bearer token)'
            cand --ca-cert 'Trust this PEM CA certificate (instead of the system''s roots), e.g. a server''s own root'
            cand --timeout 'Bound on connecting, sending the request and receiving the reply, e.g. 500ms, 10s, 1m'
            cand --max-body-size 'Refuse a reply larger than this, e.g. 64MiB'
            cand -o 'Output format'
            cand --output 'Output format'
            cand --output-file 'Write the output to this file atomically (temporary file, then rename); print nothing'
            cand --color 'When to use colour (NO_COLOR and CLICOLOR_FORCE are honoured with auto)'
            cand --reverse 'Reverse the order'
            cand --password-stdin 'Read the password from the first line of standard input'
            cand --insecure 'Accept a TLS certificate that cannot be verified (prints a warning)'
            cand --json 'Short for --output json'
            cand --no-headers 'Leave out the header line of table, wide and tsv output'
            cand -v 'Say on stderr what is being asked of whom'
            cand --verbose 'Say on stderr what is being asked of whom'
            cand -q 'Print no warnings'
            cand --quiet 'Print no warnings'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'sessions;summary'= {
            cand --collectors 'Comma list of collectors (default: all): hls, hlsingress, http, https, rtmp, srt, ffmpeg'
            cand --by 'Break the finished-session totals down by remote, local or reference'
            cand --top 'With --by: keep the N largest rows per collector (by traffic)'
            cand -u 'Server to ask: http(s)://HOST:PORT for datarhei Core, ws(s)://HOST:PORT/ for TwinCAT HMI'
            cand --url 'Server to ask: http(s)://HOST:PORT for datarhei Core, ws(s)://HOST:PORT/ for TwinCAT HMI'
            cand --source 'Override the source guessed from the URL'
            cand --user 'User name to log in with; the password comes from SESSIONS_PASSWORD or --password-stdin'
            cand --token 'A ready datarhei access token (sent as a bearer token)'
            cand --ca-cert 'Trust this PEM CA certificate (instead of the system''s roots), e.g. a server''s own root'
            cand --timeout 'Bound on connecting, sending the request and receiving the reply, e.g. 500ms, 10s, 1m'
            cand --max-body-size 'Refuse a reply larger than this, e.g. 64MiB'
            cand -o 'Output format'
            cand --output 'Output format'
            cand --output-file 'Write the output to this file atomically (temporary file, then rename); print nothing'
            cand --color 'When to use colour (NO_COLOR and CLICOLOR_FORCE are honoured with auto)'
            cand --password-stdin 'Read the password from the first line of standard input'
            cand --insecure 'Accept a TLS certificate that cannot be verified (prints a warning)'
            cand --json 'Short for --output json'
            cand --no-headers 'Leave out the header line of table, wide and tsv output'
            cand -v 'Say on stderr what is being asked of whom'
            cand --verbose 'Say on stderr what is being asked of whom'
            cand -q 'Print no warnings'
            cand --quiet 'Print no warnings'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'sessions;clients'= {
            cand -u 'Server to ask: http(s)://HOST:PORT for datarhei Core, ws(s)://HOST:PORT/ for TwinCAT HMI'
            cand --url 'Server to ask: http(s)://HOST:PORT for datarhei Core, ws(s)://HOST:PORT/ for TwinCAT HMI'
            cand --source 'Override the source guessed from the URL'
            cand --user 'User name to log in with; the password comes from SESSIONS_PASSWORD or --password-stdin'
            cand --token 'A ready datarhei access token (sent as a bearer token)'
            cand --ca-cert 'Trust this PEM CA certificate (instead of the system''s roots), e.g. a server''s own root'
            cand --timeout 'Bound on connecting, sending the request and receiving the reply, e.g. 500ms, 10s, 1m'
            cand --max-body-size 'Refuse a reply larger than this, e.g. 64MiB'
            cand -o 'Output format'
            cand --output 'Output format'
            cand --output-file 'Write the output to this file atomically (temporary file, then rename); print nothing'
            cand --color 'When to use colour (NO_COLOR and CLICOLOR_FORCE are honoured with auto)'
            cand --password-stdin 'Read the password from the first line of standard input'
            cand --insecure 'Accept a TLS certificate that cannot be verified (prints a warning)'
            cand --json 'Short for --output json'
            cand --no-headers 'Leave out the header line of table, wide and tsv output'
            cand -v 'Say on stderr what is being asked of whom'
            cand --verbose 'Say on stderr what is being asked of whom'
            cand -q 'Print no warnings'
            cand --quiet 'Print no warnings'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'sessions;subscriptions'= {
            cand -u 'Server to ask: http(s)://HOST:PORT for datarhei Core, ws(s)://HOST:PORT/ for TwinCAT HMI'
            cand --url 'Server to ask: http(s)://HOST:PORT for datarhei Core, ws(s)://HOST:PORT/ for TwinCAT HMI'
            cand --source 'Override the source guessed from the URL'
            cand --user 'User name to log in with; the password comes from SESSIONS_PASSWORD or --password-stdin'
            cand --token 'A ready datarhei access token (sent as a bearer token)'
            cand --ca-cert 'Trust this PEM CA certificate (instead of the system''s roots), e.g. a server''s own root'
            cand --timeout 'Bound on connecting, sending the request and receiving the reply, e.g. 500ms, 10s, 1m'
            cand --max-body-size 'Refuse a reply larger than this, e.g. 64MiB'
            cand -o 'Output format'
            cand --output 'Output format'
            cand --output-file 'Write the output to this file atomically (temporary file, then rename); print nothing'
            cand --color 'When to use colour (NO_COLOR and CLICOLOR_FORCE are honoured with auto)'
            cand --lengths 'Ask the server for each subscription''s value size as JSON (readValueJsonLength)'
            cand --durations 'Ask the server for each subscription''s average processing time (averageDuration)'
            cand --password-stdin 'Read the password from the first line of standard input'
            cand --insecure 'Accept a TLS certificate that cannot be verified (prints a warning)'
            cand --json 'Short for --output json'
            cand --no-headers 'Leave out the header line of table, wide and tsv output'
            cand -v 'Say on stderr what is being asked of whom'
            cand --verbose 'Say on stderr what is being asked of whom'
            cand -q 'Print no warnings'
            cand --quiet 'Print no warnings'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'sessions;completions'= {
            cand -u 'Server to ask: http(s)://HOST:PORT for datarhei Core, ws(s)://HOST:PORT/ for TwinCAT HMI'
            cand --url 'Server to ask: http(s)://HOST:PORT for datarhei Core, ws(s)://HOST:PORT/ for TwinCAT HMI'
            cand --source 'Override the source guessed from the URL'
            cand --user 'User name to log in with; the password comes from SESSIONS_PASSWORD or --password-stdin'
            cand --token 'A ready datarhei access token (sent as a bearer token)'
            cand --ca-cert 'Trust this PEM CA certificate (instead of the system''s roots), e.g. a server''s own root'
            cand --timeout 'Bound on connecting, sending the request and receiving the reply, e.g. 500ms, 10s, 1m'
            cand --max-body-size 'Refuse a reply larger than this, e.g. 64MiB'
            cand -o 'Output format'
            cand --output 'Output format'
            cand --output-file 'Write the output to this file atomically (temporary file, then rename); print nothing'
            cand --color 'When to use colour (NO_COLOR and CLICOLOR_FORCE are honoured with auto)'
            cand --password-stdin 'Read the password from the first line of standard input'
            cand --insecure 'Accept a TLS certificate that cannot be verified (prints a warning)'
            cand --json 'Short for --output json'
            cand --no-headers 'Leave out the header line of table, wide and tsv output'
            cand -v 'Say on stderr what is being asked of whom'
            cand --verbose 'Say on stderr what is being asked of whom'
            cand -q 'Print no warnings'
            cand --quiet 'Print no warnings'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'sessions;help'= {
            cand active 'One row per active session'
            cand summary 'Per collector: active sessions, bandwidth, configured limits, finished-session totals'
            cand clients 'TwinCAT HMI: one row per connected WebSocket (client, session id, user, registered commands)'
            cand subscriptions 'TwinCAT HMI: one row per subscription (key, id, type, interval, clients, JSON length, average duration, symbols)'
            cand completions 'Print the shell completion script'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'sessions;help;active'= {
        }
        &'sessions;help;summary'= {
        }
        &'sessions;help;clients'= {
        }
        &'sessions;help;subscriptions'= {
        }
        &'sessions;help;completions'= {
        }
        &'sessions;help;help'= {
        }
    ]
    $completions[$command]
}
