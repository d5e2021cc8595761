
set edit:completion:arg-completer[sessions] = { |@words|
    var index = (count $words)
    set index = (- $index 1)

    put (env _CLAP_IFS="\n" _CLAP_COMPLETE_INDEX=(to-string $index) SESSIONS_COMPLETE="elvish" sessions -- $@words) | to-lines
}

